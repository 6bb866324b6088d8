/**
 * @module server/source-address
 * The key a client's address is counted under, the same for HTTP and SSH: an IPv4 address
 * (also when it arrives IPv4-mapped, `::ffff:10.0.0.5`), or the /64 of an IPv6 address — one
 * machine easily holds a whole /64, so counting single IPv6 addresses would let it multiply
 * its share of every per-address limit.
 */
import { isIPv6 } from "node:net";

export function sourceKey(address: string | undefined): string {
  if (!address) return "?";
  const a = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!isIPv6(a)) return a;
  const [head = "", tail = ""] = a.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = a.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
