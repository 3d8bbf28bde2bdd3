import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServer } from "../test/server-process";
import { launchChromium, screenshotFolder } from "./browser-kit";

describe("the API reference page in a real browser, with no network beyond our server (e2e)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "guestcard-e2e-api-docs-"));
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({ DATA_DIR: dataDir, POS_API_KEYS: "till-1:e2e-docs-till-secret" }),
      launchChromium(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    const exitCode = await server?.stop("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
    expect(exitCode).toBe(0);
  });

  it("renders every group's routes from /api/openapi.json, asking nothing of any other host", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(30_000);
    const elsewhere: string[] = [];
    // Anything not served by us is refused and noted: a restaurant's network may reach nothing else.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith("data:") || url.startsWith("blob:")) {
        return route.continue();
      }
      elsewhere.push(url);
      return route.abort();
    });
    const page = await context.newPage();
    const scriptErrors: string[] = [];
    page.on("pageerror", (error) => scriptErrors.push(error.message));

    await page.goto(`${server.url}/api/docs`);
    await page.getByText("Guestcard API").first().waitFor();
    for (const summary of [
      "Identify a guest by their card's PIN or QR code",
      "Issue a new virtual card",
      "Import an existing guest base from CSV",
      "Share a phone as if through the bot (demo mode only)",
    ]) {
      await page.getByText(summary).first().waitFor();
    }
    // What a till's developer comes for: the identify call, its body, its answers.
    await page
      .getByRole("link", { name: /Identify a guest by their card's PIN or QR code/ })
      .first()
      .click();
    await page.getByText("too_many_attempts").first().waitFor();
    await page.screenshot({ path: join(screenshotFolder(), "api-docs.png") });
    expect(elsewhere).toEqual([]);
    expect(scriptErrors).toEqual([]);
    await context.close();
  }, 90_000);
});
