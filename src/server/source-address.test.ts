import { describe, expect, it } from "vitest";
import { sourceKey } from "./source-address.js";

describe("sourceKey", () => {
  it("counts IPv4 as itself, IPv4-mapped as IPv4, and IPv6 by its /64", () => {
    expect(sourceKey("127.0.0.2")).toBe("127.0.0.2");
    expect(sourceKey("::ffff:10.1.2.3")).toBe("10.1.2.3");
    expect(sourceKey("2001:db8:0:1::5")).toBe("2001:db8:0:1::/64");
    expect(sourceKey("2001:db8:0:1:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:0:1::/64");
    expect(sourceKey("::1")).toBe("0:0:0:0::/64");
    expect(sourceKey(undefined)).toBe("?");
  });
});
