#!/bin/sh
# Builds the ns-3 forwarding peer (bench/ns3/forward-peer.cc) as shared/bench/ns3/build.sh builds
# the RIP peer: against Debian's libns3-dev, into $1 (default /tmp/forward-peer). With $2, the
# ns-3 tree of shared/bench/ns3/build-optimized.sh (e.g. ~/.cache/ns3-opt/ns-allinone-3.37/ns-3.37),
# it links against that optimized build instead. Never run in CI (the bench builds only when asked).
set -e
out=${1:-/tmp/forward-peer}
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "$2" ]; then
  lib="$2/build/lib"
  libs=$(for m in core network internet internet-apps point-to-point applications bridge traffic-control stats; do
    [ -e "$lib/libns3.37-$m-optimized.so" ] && printf ' -lns3.37-%s-optimized' $m; done)
  g++ -O3 -march=native -std=c++17 -I"$2/build/include" -o "$out" "$here/forward-peer.cc" -L"$lib" $libs -Wl,-rpath,"$lib"
  echo "$out"
  exit 0
fi
if [ ! -e /usr/include/ns3/v4ping-helper.h ]; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq libns3-dev >/dev/null; else echo "install libns3-dev" >&2; exit 2; fi
fi
libs=$(for m in core network internet internet-apps point-to-point applications bridge mpi traffic-control stats; do
  [ -e /usr/lib/x86_64-linux-gnu/libns3-$m.so ] && printf ' -lns3-%s' $m; done)
g++ -O2 -std=c++17 -o "$out" "$here/forward-peer.cc" $libs
echo "$out"
