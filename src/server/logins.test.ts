import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { FakeLab } from "./fake-lab.testkit.js";
import { loginBanner, startLogins } from "./logins.js";
import { openStateDir } from "./state-dir.js";

describe("startLogins", () => {
  it("creates the users file with an instructor once, starts SSH, and the printed password works", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "routelab-logins-")), "state");
    const state = openStateDir(dir);
    const file = state.usersFile;
    expect(file).toBe(join(dir, "users.yaml"));
    const l = await startLogins({
      lab: new FakeLab(),
      usersFile: file,
      hostKeyPath: state.hostKey,
      sshPort: 0,
    });
    try {
      expect(l.created?.name).toBe("instructor");
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, "ssh_host_ed25519_key")).mode & 0o777).toBe(0o600);
      const banner = loginBanner(l);
      expect(banner).toContain(`ssh -p ${l.ssh!.port} instructor@127.0.0.1`);
      expect(banner).toContain(`password ${l.created!.password}`);
      const out = await new Promise<string>((resolve, reject) => {
        const c = new ssh2.Client();
        c.on("ready", () =>
          c.exec("vm1 link down vm1 vm2", (e, ch) => {
            if (e) return reject(e);
            let s = "";
            ch.on("data", (d: Buffer) => {
              s += d;
            });
            ch.on("close", () => {
              c.end();
              resolve(s);
            });
          }),
        );
        c.on("error", reject);
        c.connect({
          host: "127.0.0.1",
          port: l.ssh!.port,
          username: "instructor",
          password: l.created!.password,
        });
      });
      expect(out).toBe("link vm1-vm2 down\n");
    } finally {
      await l.close();
    }
    // a second start keeps the file and creates nobody
    const again = await startLogins({ lab: new FakeLab(), usersFile: file, sshPort: false });
    expect(again.created).toBeUndefined();
    expect(loginBanner(again)).not.toContain("first login");
    await again.close();
  });
});
