/**
 * Wireshark's relative TCP sequence numbers, on the frames of tcp-frames.testkit.ts; the
 * expected lines are tshark 4.0's for the same file (`tshark -r vm1-vm2.pcap -V`, relative
 * sequence numbers on, its default), word for word.
 */
import { describe, expect, it } from "vitest";
import { dissectFrame, type PacketField } from "./dissect.js";
import { TcpSequenceBases } from "./tcp-sequence.js";
import { ACK, FIN, SYN, SYN_ACK } from "./tcp-frames.testkit.js";

function tcpLines(layers: PacketField[]): string[] {
  const tcp = layers.find((l) => l.name === "tcp")!;
  const want = new Set(["tcp.seq", "tcp.seq_raw", "tcp.nxtseq", "tcp.ack", "tcp.ack_raw"]);
  return [tcp.text, ...tcp.children!.filter((f) => want.has(f.name)).map((f) => `${f.name} | ${f.text}`)];
}

describe("relative TCP sequence numbers, as tshark counts them", () => {
  it("a handshake and a FIN read in order", () => {
    const bases = new TcpSequenceBases();
    const seen = [SYN, SYN_ACK, ACK, FIN].map((f) => tcpLines(dissectFrame(f, bases.observe(f))));
    expect(seen).toEqual([
      [
        "Transmission Control Protocol, Src Port: 61791, Dst Port: 22, Seq: 0, Len: 0",
        "tcp.seq | Sequence Number: 0    (relative sequence number)",
        "tcp.seq_raw | Sequence Number (raw): 1562962593",
        "tcp.nxtseq | Next Sequence Number: 1    (relative sequence number)",
        "tcp.ack | Acknowledgment Number: 0",
        "tcp.ack_raw | Acknowledgment number (raw): 0",
      ],
      [
        "Transmission Control Protocol, Src Port: 22, Dst Port: 61791, Seq: 0, Ack: 1, Len: 0",
        "tcp.seq | Sequence Number: 0    (relative sequence number)",
        "tcp.seq_raw | Sequence Number (raw): 2229763092",
        "tcp.nxtseq | Next Sequence Number: 1    (relative sequence number)",
        "tcp.ack | Acknowledgment Number: 1    (relative ack number)",
        "tcp.ack_raw | Acknowledgment number (raw): 1562962594",
      ],
      [
        "Transmission Control Protocol, Src Port: 61791, Dst Port: 22, Seq: 1, Ack: 1, Len: 0",
        "tcp.seq | Sequence Number: 1    (relative sequence number)",
        "tcp.seq_raw | Sequence Number (raw): 1562962594",
        "tcp.nxtseq | Next Sequence Number: 1    (relative sequence number)",
        "tcp.ack | Acknowledgment Number: 1    (relative ack number)",
        "tcp.ack_raw | Acknowledgment number (raw): 2229763093",
      ],
      [
        "Transmission Control Protocol, Src Port: 61791, Dst Port: 22, Seq: 1, Ack: 1, Len: 0",
        "tcp.seq | Sequence Number: 1    (relative sequence number)",
        "tcp.seq_raw | Sequence Number (raw): 1562962594",
        "tcp.nxtseq | Next Sequence Number: 2    (relative sequence number)",
        "tcp.ack | Acknowledgment Number: 1    (relative ack number)",
        "tcp.ack_raw | Acknowledgment number (raw): 2229763093",
      ],
    ]);
  });

  it("a segment met in the middle of its conversation counts from 1, as tshark's first frame", () => {
    const alone = new TcpSequenceBases().lookup(FIN);
    expect(tcpLines(dissectFrame(FIN, alone))[0]).toBe(
      "Transmission Control Protocol, Src Port: 61791, Dst Port: 22, Seq: 1, Ack: 1, Len: 0",
    );
    // lookup learns nothing: observing the handshake afterwards still starts from its SYN.
    const bases = new TcpSequenceBases();
    bases.lookup(FIN);
    expect(bases.observe(SYN)).toEqual({ seq: 1562962593, ack: undefined });
  });

  it("without bases, the raw numbers only (one frame, no conversation)", () => {
    expect(tcpLines(dissectFrame(SYN))).toEqual([
      "Transmission Control Protocol, Src Port: 61791, Dst Port: 22, Seq: 1562962593, Ack: 0, Len: 0",
      "tcp.seq_raw | Sequence Number (raw): 1562962593",
      "tcp.ack_raw | Acknowledgment number (raw): 0",
    ]);
  });

  it("remembers a bounded number of directions, the oldest forgotten first", () => {
    const bases = new TcpSequenceBases(1);
    bases.observe(SYN); // 61791→22
    bases.observe(SYN_ACK); // 22→61791 from its SYN: 61791→22 is forgotten
    // The ACK's own direction is met again in its middle (seq − 1); the other is still known.
    expect(bases.observe(ACK)).toEqual({ seq: 1562962593, ack: 2229763092 });
    // ... and that forgot 22→61791.
    expect(bases.observe(SYN)).toEqual({ seq: 1562962593, ack: undefined });
  });

  it("ignores what is not a TCP segment", () => {
    expect(new TcpSequenceBases().observe(SYN.subarray(0, 30))).toBeUndefined();
    const arp = SYN.slice();
    arp[12] = 0x08;
    arp[13] = 0x06;
    expect(new TcpSequenceBases().observe(arp)).toBeUndefined();
  });
});
