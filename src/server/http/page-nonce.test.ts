import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FakeLab } from "../fake-lab.testkit.js";
import { buildApp, CONTENT_SECURITY_POLICY, STYLE_NONCE_PLACEHOLDER } from "./server.js";

describe("the page's style nonce", () => {
  it("a page asking for one gets a fresh nonce per answer, in its text and its policy only", async () => {
    const root = mkdtempSync(join(tmpdir(), "routelab-nonce-"));
    writeFileSync(
      join(root, "index.html"),
      `<!doctype html><meta name="style-nonce" content="${STYLE_NONCE_PLACEHOLDER}"><title>x</title>`,
    );
    writeFileSync(join(root, "app.js"), "1");
    const { app } = await buildApp({ lab: new FakeLab(), webRoot: root });
    const nonces: string[] = [];
    for (const url of ["/", "/index.html", "/"]) {
      const r = await app.inject({ method: "GET", url });
      expect(r.statusCode).toBe(200);
      const nonce = /content="([^"]+)"/.exec(r.body)![1]!;
      expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
      expect(r.headers["content-security-policy"]).toBe(
        CONTENT_SECURITY_POLICY.replace("style-src 'self'", `style-src 'self' 'nonce-${nonce}'`),
      );
      nonces.push(nonce);
    }
    expect(new Set(nonces).size).toBe(3);
    const js = await app.inject({ method: "GET", url: "/app.js" });
    expect(js.headers["content-security-policy"]).toBe(CONTENT_SECURITY_POLICY);
    await app.close();
  });
});
