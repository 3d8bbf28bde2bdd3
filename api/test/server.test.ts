import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoGuests } from "../src/demo/demo-guests";
import { startServer } from "./server-process";

describe("the real server on one DATA_DIR", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "guestcard-data-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Opens the demo as a guest the way a browser does and returns the initData from the URL hash. */
  async function demoInitData(url: string, guestId: number): Promise<string> {
    const response = await fetch(`${url}/demo/open/${guestId}`, { redirect: "manual" });
    const location = response.headers.get("location") ?? "";
    return new URLSearchParams(location.split("#")[1]).get("tgWebAppData") ?? "";
  }

  it("keeps what was written across a stop and a start, and exits 0 on SIGTERM", async () => {
    const anna = demoGuests[0]!;
    const first = await startServer({ DATA_DIR: dataDir });
    const initData = await demoInitData(first.url, anna.id);
    const shared = await fetch(`${first.url}/api/demo/share-phone`, {
      method: "POST",
      headers: { authorization: `tma ${initData}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(shared.status, await shared.clone().text()).toBe(200);
    expect(await first.stop("SIGTERM")).toBe(0);

    const second = await startServer({ DATA_DIR: dataDir });
    try {
      // Same demo token after the restart, so the same initData is still valid.
      expect(await demoInitData(second.url, anna.id)).not.toBe("");
      const me = await fetch(`${second.url}/api/me`, { headers: { authorization: `tma ${initData}` } });
      const body = (await me.json()) as { status: string };
      expect(body.status).toBe("needs_registration");
      expect(second.output()).not.toContain(anna.phone);
      expect(second.output()).not.toContain(initData);
    } finally {
      expect(await second.stop("SIGINT")).toBe(0);
    }
  });

  it("refuses to start on bad configuration, one line per bad variable", async () => {
    await expect(
      startServer({ DATA_DIR: dataDir, CARD_TTL_SECONDS: "0", BOT_MODE: "sometimes" }, 20_000),
    ).rejects.toThrow(
      /config: BOT_MODE: must be polling, webhook or off[\s\S]*config: CARD_TTL_SECONDS: must be at least 1|config: CARD_TTL_SECONDS: must be at least 1[\s\S]*config: BOT_MODE/,
    );
  });
});
