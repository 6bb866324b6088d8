/**
 * README's first screen stays true: its scenario, run as written, prints exactly the output
 * README shows.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, routelab } from "./cli.js";

describe("README", () => {
  it("shows the real output of its first scenario", () => {
    const text = readFileSync(join(ROOT, "README.md"), "utf8");
    const block =
      /\$ cat > cut\.txt <<'\.'\n([\s\S]*?)\n\.\n\$ npx routelab run (\S+) --script cut\.txt\n([\s\S]*?)```/.exec(
        text,
      );
    expect(block, "README's scenario block").not.toBeNull();
    const [, script, topology, shown] = block!;
    const r = routelab(["run", topology!, "--script", "-"], `${script}\n`);
    expect(r.code).toBe(0);
    expect(r.out).toBe(shown);
  });

  for (const [file, what] of [
    ["nc", "TCP and nc"],
    ["relay", "Linux nodes, NAT and a relay"],
  ] as const)
    it(`shows the real output of its ${file} scenario (${what})`, () => {
      const text = readFileSync(join(ROOT, "README.md"), "utf8");
      const re = new RegExp(
        `\\$ cat > ${file}\\.txt <<'\\.'\\n([\\s\\S]*?)\\n\\.\\n\\$ npx routelab run (\\S+) --script ${file}\\.txt\\n([\\s\\S]*?)\`\`\``,
      );
      const block = re.exec(text);
      expect(block, `README's ${file} block`).not.toBeNull();
      const [, script, topology, shown] = block!;
      const r = routelab(["run", topology!, "--script", "-"], `${script}\n`);
      expect(r.code).toBe(0);
      expect(r.out).toBe(shown);
    });
});
