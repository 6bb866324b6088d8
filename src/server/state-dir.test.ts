import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultStateDir, importLegacyState, openStateDir } from "./state-dir.js";

const tmp = () => mkdtempSync(join(tmpdir(), "routelab-state-"));

describe("the state directory", () => {
  it("is $XDG_STATE_HOME/routelab, else ~/.local/state/routelab (a relative XDG_STATE_HOME is ignored)", () => {
    const home = () => "/home/ann";
    expect(defaultStateDir({ XDG_STATE_HOME: "/var/st" }, home)).toBe("/var/st/routelab");
    expect(defaultStateDir({}, home)).toBe("/home/ann/.local/state/routelab");
    expect(defaultStateDir({ XDG_STATE_HOME: "rel/st" }, home)).toBe("/home/ann/.local/state/routelab");
  });

  it("is made with mode 0700, and one that cannot be made is an error naming it and --state", () => {
    const d = join(tmp(), "a", "b");
    const p = openStateDir(d);
    expect(statSync(d).mode & 0o777).toBe(0o700);
    expect(p.usersFile).toBe(join(d, "users.yaml"));
    expect(p.hostKey).toBe(join(d, "ssh_host_ed25519_key"));
    const file = join(tmp(), "f");
    writeFileSync(file, "x");
    expect(() => openStateDir(join(file, "sub"))).toThrow(
      new RegExp(
        `cannot use state directory ${file}/sub: not a directory \\(choose another with --state DIR\\)`,
      ),
    );
  });

  it("imports an older routelab's users file and host key from beside the topology, once", () => {
    const labDir = tmp();
    writeFileSync(join(labDir, "routelab-users.yaml"), "users: {}\n");
    writeFileSync(join(labDir, "routelab-hostkey"), "KEY\n");
    const p = openStateDir(join(tmp(), "state"));
    expect(importLegacyState(join(labDir, "seed.yaml"), p)).toEqual([
      `imported the users and SSH host key of an older routelab from ${labDir} into ${p.dir}; the old files are no longer read (delete them)`,
    ]);
    expect(readFileSync(p.hostKey, "utf8")).toBe("KEY\n");
    expect(statSync(p.usersFile).mode & 0o777).toBe(0o600);
    expect(statSync(p.hostKey).mode & 0o777).toBe(0o600);
    // The next start has its own users file: the old one is named as unused, not copied again.
    writeFileSync(join(labDir, "routelab-users.yaml"), "users: {changed: {}}\n");
    expect(importLegacyState(join(labDir, "seed.yaml"), p)[0]).toMatch(
      /routelab-users\.yaml \(from an older routelab\) is not read/,
    );
    expect(readFileSync(p.usersFile, "utf8")).toBe("users: {}\n");
    // Nothing beside the topology: nothing to say.
    expect(importLegacyState(join(tmp(), "seed.yaml"), openStateDir(join(tmp(), "s2")))).toEqual([]);
    expect(existsSync(join(labDir, "routelab-users.yaml"))).toBe(true); // never deleted for the user
  });
});
