import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../test/test-app";

/** "a b; c d" → { a: "b", c: "d" }: one entry per directive. */
function directives(policy: string | null): Record<string, string> {
  return Object.fromEntries(
    (policy ?? "")
      .split(";")
      .map((directive) => directive.trim())
      .filter(Boolean)
      .map((directive) => {
        const [name = "", ...values] = directive.split(/\s+/);
        return [name, values.join(" ")];
      }),
  );
}

describe("security headers of the web app (issue 16 item 7)", () => {
  const webRoot = mkdtempSync(join(tmpdir(), "guestcard-web-"));
  writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>Guestcard</title><div id=root></div>");
  mkdirSync(join(webRoot, "assets"));
  writeFileSync(join(webRoot, "assets", "index-abc123.js"), "console.log('guestcard');");
  let context: TestContext;
  let demo: TestContext;

  beforeAll(async () => {
    [context, demo] = await Promise.all([
      createTestContext({}, { webRoot }),
      createTestContext({}, { webRoot, demo: true }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([context.close(), demo.close()]);
    rmSync(webRoot, { recursive: true, force: true });
  });

  const everyPage = ["/", "/some/client/route", "/cashier", "/cashier/anything", "/assets/index-abc123.js"];

  it.each(everyPage)("%s: nosniff, no referrer, and a Content-Security-Policy", async (path) => {
    const response = await context.request(path);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("content-security-policy")).toBeTruthy();
  });

  it.each(["/", "/some/client/route", "/?tgWebAppStartParam=x"])(
    "%s, the Mini App: framed by Telegram's web clients and nothing else, scripts from our origin only",
    async (path) => {
      const response = await context.request(path);
      const policy = directives(response.headers.get("content-security-policy"));
      expect(policy["frame-ancestors"]).toBe("https://web.telegram.org");
      // X-Frame-Options cannot allow another origin; sent at all, it would keep Telegram Web out.
      expect(response.headers.get("x-frame-options")).toBeNull();
      expect(policy["script-src"]).toBe("'self'");
      expect(policy["default-src"]).toBe("'self'");
      expect(policy["connect-src"]).toBe("'self'");
      expect(policy["object-src"]).toBe("'none'");
      expect(policy["base-uri"]).toBe("'none'");
      expect(response.headers.get("cache-control")).toBe("no-cache");
    },
  );

  it.each(["/cashier", "/cashier/", "/cashier/anything"])(
    "%s, the cashier page: framed by nobody; WebAssembly may be compiled, nothing evaluated",
    async (path) => {
      const response = await context.request(path);
      const policy = directives(response.headers.get("content-security-policy"));
      expect(policy["frame-ancestors"]).toBe("'none'");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(policy["script-src"]).toBe("'self' 'wasm-unsafe-eval'");
      expect(policy["script-src"]).not.toContain("'unsafe-eval'");
      expect(policy["style-src"]).toBe("'self'");
      expect(response.headers.get("cache-control")).toBe("no-cache");
    },
  );

  it("no policy lets inline or evaluated scripts run", async () => {
    for (const path of everyPage) {
      const policy = directives((await context.request(path)).headers.get("content-security-policy"));
      const scripts = policy["script-src"] ?? policy["default-src"] ?? "";
      expect(scripts, path).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*|data:|https?:/);
    }
  });

  it("/assets/*: inert when opened on its own, never framed, and a missing one is a 404 with the same headers", async () => {
    for (const path of ["/assets/index-abc123.js", "/assets/index-missing.js"]) {
      const response = await context.request(path);
      expect(response.status).toBe(path.includes("missing") ? 404 : 200);
      expect(directives(response.headers.get("content-security-policy"))).toEqual({
        "default-src": "'none'",
        "frame-ancestors": "'none'",
      });
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("leaves the API and the demo pages to their own headers, and the demo pages still answer", async () => {
    const api = await context.request("/api/no-such-thing");
    expect(api.status).toBe(404);
    expect(api.headers.get("content-security-policy")).toBeNull();
    for (const path of ["/demo", "/demo/managers-chat"]) {
      const page = await demo.request(path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get("content-type"), path).toMatch(/^text\/html/);
      // Served before the web app, with a policy of their own if any: their inline <style> is
      // allowed, which the cashier's policy would refuse.
      const policy = page.headers.get("content-security-policy");
      if (policy !== null) expect(directives(policy)["style-src"], path).toContain("'unsafe-inline'");
      expect(policy ?? "", path).not.toContain("web.telegram.org");
    }
  });
});
