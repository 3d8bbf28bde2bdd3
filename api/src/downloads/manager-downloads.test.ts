// A manager's files for Telegram's downloadFile (docs/decisions/025-manager-downloads.md): the screen
// hands the file to the server, gets a short-lived link, and the link serves the same bytes to anyone
// who has it, without initData, until it expires.
import type { DownloadLink, ErrorEnvelope } from "@guestcard/shared";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext, testBotToken } from "../../test/test-app";
import { createApp } from "../app";
import { downloadFiles } from "../db/schema";
import { createLogger } from "../logger";
import { fileDownloadTtlMs } from "./file-downloads";

const manager = guest(9_800, "Manager");
const notManager = guest(9_801, "Guest");

/** A PNG's signature, then bytes of every value: what comes back must be the same, byte for byte. */
const png = new Uint8Array([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  ...Array.from({ length: 256 }, (_, i) => i),
]);
const csv = "\uFEFFstep,started\r\nНевский,3\r\n";

describe("a manager's downloads through a short-lived link", () => {
  let context: TestContext;
  let clock = new Date("2026-05-04T12:00:00Z");

  beforeAll(async () => {
    context = await createTestContext({ ADMIN_TELEGRAM_IDS: String(manager.id) }, { now: () => clock });
  });
  afterAll(() => context.close());
  beforeEach(async () => {
    clock = new Date("2026-05-04T12:00:00Z");
    await context.database.db.delete(downloadFiles);
  });

  const handOver = (body: string | Uint8Array, contentType: string, fileName = "guestcard-qr-tents.png") =>
    context.request(`/api/manager/downloads?fileName=${encodeURIComponent(fileName)}`, {
      as: manager,
      body,
      headers: { "content-type": contentType },
    });
  const fetchLink = (url: string) => context.app.request(url);

  it("a manager hands over the poster PNG and the link serves the same bytes as an attachment, without initData", async () => {
    const link = await expectStatus<DownloadLink>(await handOver(png, "image/png"), 201);
    expect(link.url).toMatch(/^\/downloads\/files\/[A-Za-z0-9_-]{43}$/);
    expect(link.fileName).toBe("guestcard-qr-tents.png");
    expect(Date.parse(link.expiresAt) - clock.getTime()).toBe(fileDownloadTtlMs);

    const file = await fetchLink(link.url);
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
    expect(Object.fromEntries(file.headers)).toMatchObject({
      "content-type": "image/png",
      "content-disposition": 'attachment; filename="guestcard-qr-tents.png"',
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
      "content-security-policy": "sandbox; default-src 'none'",
    });
  });

  it("a manager hands over the funnel CSV and gets it back in UTF-8, as often as the link lives", async () => {
    const link = await expectStatus<DownloadLink>(
      await handOver(csv, "text/csv; charset=utf-8", "guestcard-funnel-30d.csv"),
      201,
    );
    for (const _ of [1, 2]) {
      const file = await fetchLink(link.url);
      expect(file.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      expect(file.headers.get("content-disposition")).toBe('attachment; filename="guestcard-funnel-30d.csv"');
      expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(await file.arrayBuffer())).toBe(csv);
    }
  });

  it("any server process answers the link: the file is in the database, not in the process that took it", async () => {
    const link = await expectStatus<DownloadLink>(await handOver(png, "image/png"), 201);
    const otherProcess = createApp({
      config: context.config,
      database: context.database,
      logger: createLogger("silent"),
      initDataToken: testBotToken,
      demo: false,
      now: () => clock,
    });
    const file = await otherProcess.request(link.url);
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
  });

  it("the link stops working once its five minutes are up", async () => {
    const link = await expectStatus<DownloadLink>(await handOver(png, "image/png"), 201);
    clock = new Date(clock.getTime() + fileDownloadTtlMs - 1);
    expect((await fetchLink(link.url)).status).toBe(200);
    clock = new Date(clock.getTime() + 1);
    const expired = await fetchLink(link.url);
    expect(expired.status).toBe(404);
    expect(expired.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await expired.text()).toContain("This link has expired");
  });

  it("expired files are deleted when the next one is handed over; live ones stay", async () => {
    await expectStatus(await handOver(png, "image/png", "old.png"), 201);
    clock = new Date(clock.getTime() + 60_000);
    await expectStatus(await handOver(png, "image/png", "recent.png"), 201);
    clock = new Date(clock.getTime() + fileDownloadTtlMs - 30_000);
    await expectStatus(await handOver(png, "image/png", "new.png"), 201);
    const kept = await context.database.db.select({ fileName: downloadFiles.fileName }).from(downloadFiles);
    expect(kept.map((row) => row.fileName).sort()).toEqual(["new.png", "recent.png"]);
  });

  it("a token that is forged, altered or unknown finds nothing: 404", async () => {
    const link = await expectStatus<DownloadLink>(await handOver(png, "image/png"), 201);
    const token = link.url.split("/").at(-1) ?? "";
    const altered = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    for (const url of [
      `/downloads/files/${altered}`,
      `/downloads/files/${"A".repeat(43)}`,
      `/downloads/files/${token.slice(0, 20)}`,
      `/downloads/files/${token}x`,
      "/downloads/files/",
    ]) {
      expect((await fetchLink(url)).status, url).toBe(404);
    }
    expect((await fetchLink(link.url)).status).toBe(200);
  });

  it("refuses a guest who is not a manager (403) and a request without initData (401), keeping nothing", async () => {
    const asGuest = await context.request("/api/manager/downloads?fileName=x.png", {
      as: notManager,
      body: png,
      headers: { "content-type": "image/png" },
    });
    expect((await expectStatus<ErrorEnvelope>(asGuest, 403)).error.code).toBe("forbidden");
    const anonymous = await context.request("/api/manager/downloads?fileName=x.png", {
      body: png,
      headers: { "content-type": "image/png" },
    });
    expect((await expectStatus<ErrorEnvelope>(anonymous, 401)).error.code).toBe("unauthorized");
    expect(await context.database.db.select().from(downloadFiles)).toEqual([]);
  });

  it("refuses a file over 5 MB (413) and one of another type (415) in the error envelope", async () => {
    const tooBig = new Uint8Array(5 * 1024 * 1024 + 1);
    const big = await expectStatus<ErrorEnvelope>(await handOver(tooBig, "image/png"), 413);
    expect(big.error.code).toBe("payload_too_large");
    // Size first: a huge body of the wrong type is still a 413.
    expect((await handOver(tooBig, "text/html")).status).toBe(413);
    for (const type of ["text/html", "application/octet-stream", "image/svg", ""]) {
      const wrong = await expectStatus<ErrorEnvelope>(await handOver(png, type), 415);
      expect(wrong.error.code, type).toBe("unsupported_media_type");
    }
    expect(await context.database.db.select().from(downloadFiles)).toEqual([]);
  });

  it("needs a file name (422 naming the field) and tidies the one it gets", async () => {
    const nameless = await context.request("/api/manager/downloads", {
      as: manager,
      body: png,
      headers: { "content-type": "image/png" },
    });
    expect((await expectStatus<ErrorEnvelope>(nameless, 422)).error.fieldErrors).toEqual({
      fileName: { code: "required" },
    });
    const named = async (fileName: string, type = "image/png") =>
      (await expectStatus<DownloadLink>(await handOver(png, type, fileName), 201)).fileName;
    expect(await named("guestcard-qr-tents_nevsky.png")).toBe("guestcard-qr-tents_nevsky.png");
    expect(await named("../../etc/passwd")).toBe("etc-passwd.png");
    expect(await named('a"b;\r\nc.PNG')).toBe("a-b-c.png");
    expect(await named("постер.png")).toBe("guestcard.png");
    expect(await named("poster.html", "image/svg+xml")).toBe("poster.html.svg");
    expect(await named("funnel", "text/csv")).toBe("funnel.csv");
  });
});
