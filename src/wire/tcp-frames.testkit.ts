/**
 * One TCP conversation's frames as reference bytes: vm1's `nc -z 10.0.10.2 22` on the seed
 * (vm1-vm2.pcap of `routelab run examples/seed.yaml --capture`): SYN, SYN-ACK, ACK, FIN.
 */
const hex = (s: string) => Uint8Array.from(s.match(/../g)!, (b) => Number.parseInt(b, 16));

export const SYN = hex(
  "0293b200040b02e20600030a08004500002c00114000400612b90a000a010a000a02f15f00165d28eaa1000000006002ffff36e40000020405b4",
);
export const SYN_ACK = hex(
  "02e20600030a0293b200040b08004500002c1f0040004006f3c90a000a020a000a010016f15f84e77c145d28eaa26012ffff35d70000020405b4",
);
export const ACK = hex(
  "0293b200040b02e20600030a08004500002800124000400612bc0a000a010a000a02f15f00165d28eaa284e77c155010ffff4d940000",
);
export const FIN = hex(
  "0293b200040b02e20600030a08004500002800134000400612bb0a000a010a000a02f15f00165d28eaa284e77c155011ffff4d930000",
);
