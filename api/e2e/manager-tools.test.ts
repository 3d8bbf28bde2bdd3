import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StatsResponse } from "@guestcard/shared";
import type { Browser, Page } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type LaunchUser, launchFragment, signInitData } from "../src/demo/launch-url";
import { type FakeBotApi, startFakeBotApi } from "../test/fake-bot-api";
import { migratedDataDir, type ServerProcess, startServer } from "../test/server-process";
import { testBotToken } from "../test/test-app";
import {
  animationsFinished,
  decodeQr,
  launchChromium,
  openPhonePage,
  requireWebBuild,
  screenshotFolder,
  telegramClientStandIn,
  telegramEvent,
  telegramHostEvents,
} from "./browser-kit";
import { type ApiRequest, requestApi, shareThroughTheBot } from "./guest-kit";

const screenshotDir = screenshotFolder();

const botUsername = "trattoria_e2e_bot";
const posSecret = "e2e-till-secret-123";
const manager: LaunchUser = { id: 77_001, firstName: "Maria", lastName: "Manager", languageCode: "en" };
const newGuest: LaunchUser = { id: 77_002, firstName: "Gleb", lastName: "Guest", languageCode: "en" };

describe("manager tools in a real browser (e2e)", () => {
  const dataDir = migratedDataDir("guestcard-e2e-manager-");
  const downloads = mkdtempSync(join(tmpdir(), "guestcard-e2e-downloads-"));
  let server: ServerProcess;
  let fake: FakeBotApi;
  let browser: Browser;
  let page: Page;

  const api = (path: string, init: ApiRequest = {}) => requestApi(server.url, path, init);
  /** What the bot does for a real guest: /start (with a source's code), then their own contact. */
  const throughTheBot = (user: LaunchUser, code: string | undefined, phone: string) =>
    shareThroughTheBot(fake, user, phone, code);

  const screenshot = (name: string) =>
    page.screenshot({ path: join(screenshotDir, `manager-${name}.png`), fullPage: true });
  const mainButton = () => page.locator(".browser-main button");

  beforeAll(async () => {
    requireWebBuild();
    fake = await startFakeBotApi({ username: botUsername });
    [server, browser] = await Promise.all([
      startServer({
        DATA_DIR: dataDir,
        BOT_TOKEN: testBotToken,
        BOT_MODE: "polling",
        TELEGRAM_API_ROOT: fake.apiRoot,
        ADMIN_TELEGRAM_IDS: String(manager.id),
        POS_API_KEYS: `till-1:${posSecret}`,
      }),
      launchChromium(),
    ]);
    // The manager is a guest of their own restaurant too: the Mini App's home leads to the tools.
    await throughTheBot(manager, undefined, "+79990077001");
    const registered = await api("/api/registration", {
      as: manager,
      json: { lastName: "Manager", firstName: "Maria", consents: { personalData: true } },
    });
    expect(registered.status, await registered.text()).toBe(201);
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      acceptDownloads: true,
    });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    const exitCode = await server?.stop("SIGTERM");
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(downloads, { recursive: true, force: true });
    expect(exitCode).toBe(0);
  });

  it("creates a source, downloads its QR codes, and the funnel follows a guest through it", async () => {
    await page.goto(`${server.url}/${launchFragment(signInitData(manager, testBotToken))}`);
    await page.getByRole("button", { name: /Manager tools/ }).click();
    await page.getByRole("heading", { name: "Manager tools" }).waitFor();
    await page.getByText(`@${botUsername}`).waitFor();
    await screenshot("home");

    // The plain bot link's QR, from the manager home: the seed's first planned feature.
    const botQr = await downloadQr("png", "bot-link");
    expect(decodeQr(botQr)).toBe(`https://t.me/${botUsername}`);

    await page.getByRole("button", { name: /Acquisition sources/ }).click();
    await page.getByLabel("Name").fill("Table tents, Nevsky");
    await page.getByLabel("Code").fill("tents nevsky");
    await mainButton().click();
    await page.getByText("1–64 Latin letters, digits, _ or - (no spaces)").waitFor();
    await page.getByLabel("Code").fill("tents_nevsky");
    await mainButton().click();
    await page.getByRole("heading", { name: "Table tents, Nevsky" }).waitFor();
    const botLink = `https://t.me/${botUsername}?start=tents_nevsky`;
    await page.getByRole("link", { name: botLink }).waitFor();
    await page.getByRole("link", { name: `https://t.me/${botUsername}/app?startapp=tents_nevsky` }).waitFor();
    await screenshot("source");

    const png = await downloadQr("png", "source");
    expect(decodeQr(png)).toBe(botLink);
    const svgFile = await downloadQr("svg", "source");
    const svg = readFileSync(svgFile, "utf8");
    // A poster for guests: the restaurant's name, the invitation in both languages; the source small, for staff.
    expect(svg).toContain(">Guestcard</text>");
    expect(svg).toContain(">Сканируйте — ваша карта гостя в Telegram</text>");
    expect(svg).toContain(">Scan — your loyalty card in Telegram</text>");
    expect(svg).toContain(">Table tents, Nevsky</text>");
    expect(decodeQr(await renderSvg(svg))).toBe(botLink);

    // A guest comes through the table tents, registers, and shows the card at the till.
    await throughTheBot(newGuest, "tents_nevsky", "+79990077002");
    expect(
      (
        await api("/api/registration", {
          as: newGuest,
          json: { lastName: "Guest", firstName: "Gleb", consents: { personalData: true } },
        })
      ).status,
    ).toBe(201);
    const card = (await (await api("/api/card", { as: newGuest, method: "POST" })).json()) as {
      code: string;
    };
    const identified = await api("/api/pos/identify", {
      json: { code: card.code },
      headers: { authorization: `Bearer ${posSecret}` },
    });
    expect(identified.status, await identified.text()).toBe(200);

    const stats = (await (
      await api("/api/manager/stats?period=today", { as: manager })
    ).json()) as StatsResponse;
    expect(stats.sources.find((source) => source.code === "tents_nevsky")?.counts).toEqual({
      started: 1,
      phone_shared: 1,
      registered: 1,
      first_visit: 1,
    });

    // The funnel screen shows the same: one guest at every step of the table tents.
    await page.locator(".browser-back").click();
    await page.locator(".browser-back").click();
    await page.getByRole("button", { name: /Funnel/ }).click();
    const tents = page.getByTestId("funnel-tents_nevsky");
    await tents.waitFor();
    for (const step of ["started", "phone_shared", "registered", "first_visit"]) {
      await expect.poll(() => tents.locator(`[data-step=${step}]`).getAttribute("data-count")).toBe("1");
    }
    await screenshot("funnel");
  });

  it("shows the settings and imports a guest base with a bad line", async () => {
    // From the manager tools, whatever the test before left on the screen (a fresh load: a URL that
    // differs only in its hash would not reload the app).
    await page.goto("about:blank");
    await page.goto(`${server.url}/${launchFragment(signInitData(manager, testBotToken))}`);
    await page.getByRole("button", { name: /Manager tools/ }).click();
    await page.getByRole("button", { name: /Settings/ }).click();
    // In minutes and hours, as a manager thinks of it: 0.2 minutes is under the half-minute minimum.
    await page.getByRole("textbox", { name: /Card lifetime/ }).fill("0.2");
    await mainButton().click();
    await page.getByText("From half a minute to 24 hours").waitFor();
    await page.getByRole("textbox", { name: /Card lifetime/ }).fill("2");
    await mainButton().click();
    await page.getByText("Saved").waitFor();
    await screenshot("settings");
    const settings = (await (await api("/api/manager/settings", { as: manager })).json()) as {
      cardTtlSeconds: number;
    };
    expect(settings.cardTtlSeconds).toBe(120);

    // The restaurant's own name, set here, is the brand on the guest's card at home.
    await page.getByRole("textbox", { name: /Restaurant name/ }).fill("Trattoria Nevsky");
    await mainButton().click();
    await page.getByText("Saved").waitFor();
    try {
      await page.goto("about:blank");
      await page.goto(`${server.url}/${launchFragment(signInitData(manager, testBotToken))}`);
      await expect.poll(() => page.locator(".loyalty-card-brand").textContent()).toBe("Trattoria Nevsky");
    } finally {
      const restored = await api("/api/manager/settings", {
        as: manager,
        method: "PUT",
        json: { restaurantName: "Guestcard" },
      });
      expect(restored.status).toBe(200);
    }
    await page.getByRole("button", { name: /Manager tools/ }).click();
    await page.getByRole("heading", { name: "Manager tools" }).waitFor();
    await page.getByRole("button", { name: /Import guests/ }).click();
    const csvFile = join(downloads, "guests.csv");
    writeFileSync(
      csvFile,
      "\uFEFFphone,last_name,first_name\r\n+79990077101,Known,One\r\nnot a phone,Bad,Line\r\n+79990077102,Known,Two\r\n",
    );
    await page.locator("input[type=file]").setInputFiles(csvFile);
    await page.getByTestId("import-preview").waitFor();
    await page.getByRole("button", { name: "Import 2 guests" }).click();
    await expect.poll(() => page.getByTestId("import-created").textContent()).toBe("2");
    await page.getByText("Phone: Not a phone number").waitFor();
    await page.getByText("Line 3").waitFor();
    await screenshot("import");
  });

  it("in Telegram's mobile app, a manager downloads a source's poster PNG, the funnel CSV and the import template through downloadFile", async () => {
    const created = await api("/api/manager/sources", {
      as: manager,
      json: { name: "Summer terrace", code: "terrace" },
    });
    expect(created.status, await created.text()).toBe(201);
    const {
      context,
      page: telegramPage,
      problems,
    } = await openPhonePage(browser, "light", { timeoutMs: 20_000 });
    try {
      await telegramPage.addInitScript(telegramClientStandIn);
      // Telegram's mobile apps ignore `<a download>`: a file saved that way never reaches the manager.
      let browserDownloads = 0;
      telegramPage.on("download", () => {
        browserDownloads += 1;
      });
      await telegramPage.goto(`${server.url}/${launchFragment(signInitData(manager, testBotToken))}`);
      await telegramPage.getByRole("button", { name: /Manager tools/ }).click();
      await telegramPage.getByRole("button", { name: /Acquisition sources/ }).click();
      await telegramPage.getByRole("button", { name: /Summer terrace/ }).click();
      await telegramPage.getByRole("heading", { name: "Summer terrace" }).waitFor();
      await telegramPage.getByTestId("qr-code").waitFor();
      await animationsFinished(telegramPage);
      // The README's picture of the poster screen (docs/screenshots/source-poster.png is a copy).
      await telegramPage.screenshot({
        path: join(screenshotDir, "manager-source-poster.png"),
        fullPage: true,
      });

      /** The next file the Mini App asks Telegram to download, fetched as Telegram does: no initData. */
      const nextDownload = async (before: number) => {
        const request = await vi.waitFor(async () => {
          const calls = (await telegramHostEvents(telegramPage)).filter(
            ([name]) => name === "web_app_request_file_download",
          );
          if (calls.length <= before) throw new Error("no web_app_request_file_download yet");
          return calls[before]?.[1] as { url: string; file_name: string };
        }, 15_000);
        expect(request.url.startsWith(`${server.url}/downloads/files/`), request.url).toBe(true);
        const file = await fetch(request.url);
        expect(file.status).toBe(200);
        expect(file.headers.get("content-disposition")).toBe(`attachment; filename="${request.file_name}"`);
        return { fileName: request.file_name, bytes: new Uint8Array(await file.arrayBuffer()) };
      };

      await telegramPage.getByRole("button", { name: "Download PNG" }).click();
      const poster = await nextDownload(0);
      expect(poster.fileName).toBe("guestcard-qr-terrace.png");
      expect([...poster.bytes.slice(0, 8)], "PNG signature").toEqual([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
      ]);
      const posterFile = join(downloads, "telegram-poster.png");
      writeFileSync(posterFile, poster.bytes);
      expect(decodeQr(posterFile)).toBe(`https://t.me/${botUsername}?start=terrace`);

      // Back with Telegram's BackButton, twice, to the tools; then the funnel's CSV the same way.
      await telegramEvent(telegramPage, "back_button_pressed");
      await telegramPage.getByRole("button", { name: /Summer terrace/ }).waitFor();
      await telegramEvent(telegramPage, "back_button_pressed");
      await telegramPage.getByRole("button", { name: /Funnel/ }).click();
      await telegramPage.getByRole("button", { name: "Download CSV" }).click();
      const funnel = await nextDownload(1);
      expect(funnel.fileName).toBe("guestcard-funnel-30d.csv");
      const csv = new TextDecoder().decode(funnel.bytes);
      expect(csv.split("\r\n")[0]).toMatch(/^source_code,source_name,started,/);
      expect(csv).toContain("terrace,Summer terrace,");

      // And the import's template, which the server makes: the same way too.
      await telegramEvent(telegramPage, "back_button_pressed");
      await telegramPage.getByRole("button", { name: /Import guests/ }).click();
      await telegramPage.getByRole("button", { name: "Download the template" }).click();
      const template = await nextDownload(2);
      expect(template.fileName).toBe("guestcard-guests-en.csv");
      expect(new TextDecoder().decode(template.bytes)).toMatch(/^phone,last_name,first_name,/);

      expect(browserDownloads).toBe(0);
      expect(await telegramPage.getByRole("alert").count(), "no failure on screen").toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  /** Clicks a QR download button and returns the saved file's path. */
  async function downloadQr(kind: "svg" | "png", name: string): Promise<string> {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator(`[data-download=${kind}]`).first().click(),
    ]);
    const file = join(downloads, `${name}.${kind}`);
    await download.saveAs(file);
    return file;
  }

  /** Draws an SVG file the way a print shop's viewer would, into a PNG zbarimg can read. */
  async function renderSvg(svg: string): Promise<string> {
    const viewer = await browser.newPage({ viewport: { width: 600, height: 740 } });
    await viewer.setContent(`<body style="margin:0">${svg}</body>`);
    const file = join(downloads, "rendered-svg.png");
    await viewer.screenshot({ path: file });
    await viewer.close();
    return file;
  }
});
