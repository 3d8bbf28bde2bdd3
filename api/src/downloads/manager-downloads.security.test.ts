// The links of a manager's downloads are served from our own origin, to anyone holding one: what a
// browser may do with such a file, and what the table gives away.
import type { DownloadLink } from "@guestcard/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { downloadFiles } from "../db/schema";

const manager = guest(9_810, "Manager");

/** An SVG poster someone tampered with: a script, an event handler and a remote image. */
const hostileSvg = `<svg xmlns="http://www.w3.org/2000/svg" onload="fetch('/api/me')"><script>alert(document.cookie)</script><image href="https://evil.example/x.png"/></svg>`;

describe("manager downloads (security)", () => {
  let context: TestContext;
  beforeAll(async () => {
    context = await createTestContext({ ADMIN_TELEGRAM_IDS: String(manager.id) });
  });
  afterAll(() => context.close());

  const handOver = async (body: string, contentType: string, fileName: string) =>
    expectStatus<DownloadLink>(
      await context.request(`/api/manager/downloads?fileName=${encodeURIComponent(fileName)}`, {
        as: manager,
        body,
        headers: { "content-type": contentType },
      }),
      201,
    );

  it("serves an SVG as an attachment in a sandbox: no script runs and nothing loads on our origin", async () => {
    const link = await handOver(hostileSvg, "image/svg+xml", "guestcard-qr-tents.svg");
    const file = await context.app.request(link.url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/svg+xml");
    expect(file.headers.get("content-disposition")).toBe('attachment; filename="guestcard-qr-tents.svg"');
    // `sandbox` alone: a unique origin, no scripts, no forms; `default-src 'none'`: no fetches either.
    expect(file.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    expect(file.headers.get("cache-control")).toBe("no-store");
    expect(file.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await file.text()).toBe(hostileSvg);
  });

  it("never saves a file under an extension other than its type's, nor lets its name into the header raw", async () => {
    const link = await handOver(hostileSvg, "image/svg+xml", "poster.html\"; filename*=UTF-8''x.html");
    expect(link.fileName).toMatch(/^[A-Za-z0-9._-]+\.svg$/);
    const file = await context.app.request(link.url);
    expect(file.headers.get("content-disposition")).toBe(`attachment; filename="${link.fileName}"`);
  });

  it("keeps only a hash of the link's token: the table alone opens no link", async () => {
    await context.database.db.delete(downloadFiles);
    const link = await handOver("a,b\r\n", "text/csv", "funnel.csv");
    const token = link.url.split("/").at(-1) ?? "";
    const rows = await context.database.db.select().from(downloadFiles);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(token);
    // The stored hash as a token finds nothing either.
    expect((await context.app.request(`/downloads/files/${rows[0]?.tokenSha256.slice(0, 43)}`)).status).toBe(
      404,
    );
  });

  it("answers an unknown link with the same plain 404 as an expired one, under the same headers", async () => {
    const file = await context.app.request(`/downloads/files/${"x".repeat(43)}`);
    expect(file.status).toBe(404);
    expect(file.headers.get("content-security-policy")).toBe("sandbox; default-src 'none'");
    expect(file.headers.get("content-disposition")).toBeNull();
  });
});
