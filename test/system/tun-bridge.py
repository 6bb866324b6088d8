"""Joins a TUN device to standard input/output for test/system/tcp-interop.test.ts and
ospf-interop.test.ts (the packets of a protocol Node has no socket for: TCP to our stack, OSPF).

Opens /dev/net/tun as NAME (IFF_TUN | IFF_NO_PI: bare IPv4 packets), says "ready" on stderr,
then copies every packet the kernel routes into NAME to stdout, and every packet read from
stdin into the kernel, both framed as a 2-byte big-endian length and the packet.
"""
import fcntl
import os
import select
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", sys.argv[1].encode(), IFF_TUN | IFF_NO_PI))
sys.stderr.write("ready\n")
sys.stderr.flush()
out = sys.stdout.buffer
pending = b""
while True:
    readable, _, _ = select.select([fd, 0], [], [])
    if fd in readable:
        pkt = os.read(fd, 65535)
        out.write(struct.pack(">H", len(pkt)) + pkt)
        out.flush()
    if 0 in readable:
        chunk = os.read(0, 65536)
        if not chunk:
            break
        pending += chunk
        while len(pending) >= 2:
            (n,) = struct.unpack(">H", pending[:2])
            if len(pending) < 2 + n:
                break
            os.write(fd, pending[2 : 2 + n])
            pending = pending[2 + n :]
