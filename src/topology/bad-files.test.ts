/**
 * Each kind of bad topology file (examples/bad/, also used by `routelab check` tests) fails with
 * exactly the message and position a user needs, and nothing else.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTopologyText } from "./load.js";
import { faults } from "./test-util.js";

const DIR = join(import.meta.dirname, "..", "..", "examples", "bad");

const EXPECTED: Record<string, string[]> = {
  "address-outside-subnet.yaml": [
    "8:28: links[0].addresses[1]: address 10.0.20.2 is outside the link's subnet 10.0.10.0/24",
  ],
  "bad-duration.yaml": [
    "3:10: defaults.delay: '5' has no unit: write e.g. 5ms or 5s",
    "9:12: links[0].delay: 'fast' is not a duration (e.g. 500us, 2ms, 30s, 5m)",
  ],
  "bad-loss.yaml": [
    "7:11: links[0].loss: loss 5 is outside 0…1 (write 0.01 or 1% for one packet in a hundred)",
  ],
  "bad-node-name.yaml": [
    "3:3: nodes.1router: bad node name '1router': use a letter then up to 31 letters, digits, '_' or '-' (names become hostnames and shell words)",
  ],
  "bad-rip-version.yaml": ["4:14: defaults.rip.version: '3' is not a RIP version (use 1 or 2)"],
  "bad-split-horizon.yaml": [
    "4:20: defaults.rip.split-horizon: 'poison' is not a split-horizon mode (use simple, poisoned, off)",
  ],
  "broadcast-address.yaml": [
    "8:31: links[0].endpoints[1].address: address 10.0.10.255 is the broadcast address of 10.0.10.0/24, not a host address",
  ],
  "duplicate-node.yaml": ["5:3: nodes.vm2: duplicate node name 'vm2' (first at line 4)"],
  "interface-twice.yaml": [
    "8:22: links[1].endpoints[0]: interface 'eth0' is used twice on 'vm1' (also at line 7)",
  ],
  "malformed-cidr.yaml": [
    "7:13: links[0].subnet: '10.0.300.0/24' is not a CIDR prefix (write A.B.C.D/LEN, e.g. 10.0.10.0/24)",
  ],
  "network-address.yaml": [
    "8:17: links[0].addresses[0]: address 10.0.10.0 is the network address of 10.0.10.0/24, not a host address",
  ],
  "overlapping-subnets.yaml": [
    "10:13: links[1].subnet: subnet 10.0.10.128/25 overlaps 10.0.10.0/24 of link vm1–vm2 (at line 8)",
  ],
  "self-link.yaml": [
    "7:22: links[1].endpoints[1]: link from 'vm2' to itself: a link joins two different nodes",
  ],
  "static-gateway.yaml": [
    "6:9: nodes.vm1.static[0]: gateway 10.0.99.1 is not on a subnet connected to vm1 (connected: 10.0.10.0/24)",
  ],
  "subnet-too-small.yaml": [
    "7:13: links[0].subnet: subnet 10.0.10.1/32 is too small for a link: it needs two host addresses (/31 or shorter)",
  ],
  "unknown-key.yaml": [
    "7:5: links[0].dealy: unknown key 'dealy' (allowed here: endpoints, segment, position, subnet, addresses, delay, bandwidth, loss, queue)",
  ],
  "unknown-node.yaml": ["7:22: links[1].endpoints[1]: unknown node 'vm10'; did you mean 'vm1'?"],
  "wrong-type.yaml": ["3:3: nodes: expected a mapping of node names (vm1:, vm2:, …), found a list"],
  "yaml-syntax.yaml": [
    "7:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]",
  ],
};

describe("examples/bad", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".yaml"));

  it("has an expectation for every file and a file for every expectation", () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const file of files) {
    it(`${file} fails with its position and message`, () => {
      const name = `examples/bad/${file}`;
      const got = faults(() => loadTopologyText(readFileSync(join(DIR, file), "utf8"), name));
      expect(got).toEqual((EXPECTED[file] ?? []).map((m) => `${name}:${m}`));
    });
  }
});
