import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CardResponse, PosIdentifyResponse } from "@guestcard/shared";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoGuests } from "../src/demo/demo-guests";
import { type LaunchUser, launchFragment, signInitData } from "../src/demo/launch-url";
import { migratedDataDir, type ServerProcess, startServer } from "../test/server-process";
import {
  decodeQr,
  launchChromium,
  requireWebBuild,
  screenshotFolder,
  type TelegramStandInWindow,
  telegramClientStandIn,
  telegramHostEvents,
} from "./browser-kit";

const screenshotDir = screenshotFolder("card");
const posKey = "secret-of-the-e2e-till";
/** Short, so the test can watch a card die; long enough to scan it first on a busy machine. */
const cardTtlSeconds = 12;

// The few browser globals the code run inside the page uses (the API's tsconfig has no DOM types).
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: "2d"): {
    fillStyle: string;
    fillRect(x: number, y: number, width: number, height: number): void;
    drawImage(image: unknown, x: number, y: number, width: number, height: number): void;
    getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
  } | null;
}
declare const document: {
  querySelector(selector: string): unknown;
  createElement(tag: "canvas"): PageCanvas;
};
declare const Image: new () => { src: string; decode(): Promise<void> };
declare const XMLSerializer: new () => { serializeToString(node: unknown): string };

describe("the virtual card in a real browser (e2e)", () => {
  const dataDir = migratedDataDir("guestcard-card-e2e-");
  const shots = mkdtempSync(join(tmpdir(), "guestcard-card-shots-"));
  let server: ServerProcess;
  let browser: Browser;
  let initData: string;
  const guest: LaunchUser = { id: 920_001, firstName: "Мария", lastName: "Кузнецова", languageCode: "ru" };
  const guestPhone = "+79990092001";

  async function api<T>(
    path: string,
    init: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
  ) {
    const response = await fetch(`${server.url}${path}`, {
      method: init.method ?? (init.json === undefined ? "GET" : "POST"),
      headers: { authorization: `tma ${initData}`, "content-type": "application/json", ...init.headers },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    return { status: response.status, body: (await response.json()) as T, headers: response.headers };
  }
  const identify = (code: string) =>
    api<PosIdentifyResponse>("/api/pos/identify", {
      json: { code },
      headers: { authorization: `Bearer ${posKey}` },
    });

  /** Script errors fail the test; so do console errors other than the browser's own line for an HTTP error status. */
  function watch(page: Page): string[] {
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
        problems.push(`console.error: ${message.text()}`);
    });
    return problems;
  }

  beforeAll(async () => {
    requireWebBuild();
    [server, browser] = await Promise.all([
      startServer({
        DATA_DIR: dataDir,
        POS_API_KEYS: `till-e2e:${posKey}`,
        CARD_TTL_SECONDS: String(cardTtlSeconds),
      }),
      launchChromium(),
    ]);
    initData = signInitData(guest, readFileSync(join(dataDir, "demo-bot-token"), "utf8").trim());
    // The guest shares a phone (demo mode's stand-in for the bot) and registers.
    expect((await api("/api/demo/share-phone", { json: { phone: guestPhone } })).status).toBe(200);
    const registered = await api("/api/registration", {
      json: { lastName: guest.lastName, firstName: guest.firstName, consents: { personalData: true } },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    const exitCode = await server?.stop("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(shots, { recursive: true, force: true });
    expect(exitCode).toBe(0);
  });

  /** A phone of its own for each test: its localStorage keeps the card between openings, as a real phone's does. */
  async function newPhone(): Promise<BrowserContext> {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      locale: "ru-RU",
    });
    // Well under a test's own timeout, so a stuck step names itself instead of a bare test timeout.
    phone.setDefaultTimeout(10_000);
    return phone;
  }

  /**
   * Opens the Mini App as Telegram does: a new page, so a fresh document that starts the app from
   * scratch (a hash-only navigation would keep the running app). `offline` makes every API request
   * fail at once, as a phone with no connection at the till sees it.
   */
  async function openApp(phone: BrowserContext, options: { offline?: boolean } = {}) {
    const page = await phone.newPage();
    const problems = watch(page);
    if (options.offline) await page.route("**/api/**", (route) => route.abort("internetdisconnected"));
    await page.goto(`${server.url}/${launchFragment(initData)}`);
    return { page, problems };
  }

  const shownPin = async (page: Page) => (await page.locator("[data-pin]").getAttribute("data-pin")) ?? "";

  /** The QR on screen as an independent decoder reads it from a screenshot. */
  async function shownQr(page: Page, name: string): Promise<string> {
    const shot = join(shots, `${name}.png`);
    await page.screenshot({ path: shot });
    return decodeQr(shot);
  }

  /** What the phone keeps for the guest, read straight from the page's localStorage. */
  const storedPin = (page: Page) =>
    page.evaluate((key) => {
      const stored = (
        globalThis as unknown as { localStorage: { getItem(key: string): string | null } }
      ).localStorage.getItem(key);
      return stored === null ? null : ((JSON.parse(stored) as { card: { pin: string } }).card.pin ?? null);
    }, `guestcard:card:${guest.id}`);

  /** Home → the MainButton "Показать карту" → a new live card. */
  async function showNewCard(phone: BrowserContext) {
    const { page, problems } = await openApp(phone);
    await page.locator(".browser-main button").click();
    await page.locator("[data-card-state=live]").waitFor();
    return { page, problems, pin: await shownPin(page) };
  }

  it("shows the card; its QR, read from a screenshot by zbarimg, identifies the guest at the till", async () => {
    const phone = await newPhone();
    const { page, problems, pin } = await showNewCard(phone);
    await expect.poll(() => page.locator("[data-countdown]").textContent()).toMatch(/^0:(1[0-2]|0\d)$/);
    await expect(page.getByText(`${guest.firstName} ${guest.lastName}`).first().isVisible()).resolves.toBe(
      true,
    );
    await page.screenshot({ path: join(screenshotDir, "card-live.png") });
    const decodedCode = await shownQr(page, "card-live");
    expect(decodedCode).toMatch(/^\d{18}$/);

    for (const code of [decodedCode, pin]) {
      const answer = await identify(code);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.account).toMatchObject({ displayName: "Мария К.", phoneMasked: "+7 *** ***-20-01" });
    }
    expect(problems).toEqual([]);
    await phone.close();
  });

  it("keeps the card on the phone while it is live, not just for a moment after it arrived", async () => {
    const phone = await newPhone();
    const { page, problems, pin } = await showNewCard(phone);
    const countdown = page.locator("[data-countdown]");
    const firstReading = await countdown.textContent();
    // Two ticks of the countdown later (a new second on screen twice), the card is still kept.
    await expect.poll(() => countdown.textContent()).not.toBe(firstReading);
    const secondReading = await countdown.textContent();
    await expect.poll(() => countdown.textContent()).not.toBe(secondReading);
    await expect(storedPin(page)).resolves.toBe(pin);
    expect(problems).toEqual([]);
    await phone.close();
  });

  it("re-opened with no connection, shows the same card (PIN and QR) with a quiet offline note", async () => {
    const phone = await newPhone();
    const issued = await showNewCard(phone);
    const issuedQr = await shownQr(issued.page, "offline-issued");
    await issued.page.close();

    const { page, problems } = await openApp(phone, { offline: true });
    await page.locator("[data-card-state=live]").waitFor();
    await expect(shownPin(page)).resolves.toBe(issued.pin);
    await page.getByText(/^Нет связи\. Это код, сохранённый на телефоне/).waitFor();
    await expect(shownQr(page, "offline-reopened")).resolves.toBe(issuedQr);
    // It stays: a countdown tick later the same live card is on screen and still kept on the phone.
    const reading = await page.locator("[data-countdown]").textContent();
    await expect.poll(() => page.locator("[data-countdown]").textContent()).not.toBe(reading);
    await expect(page.locator("[data-card-state=live]").count()).resolves.toBe(1);
    await expect(shownPin(page)).resolves.toBe(issued.pin);
    await expect(storedPin(page)).resolves.toBe(issued.pin);
    // No error screen, no "try again": the card is what the guest needs at the till.
    await expect(page.getByRole("heading", { name: "Нет связи" }).count()).resolves.toBe(0);
    await expect(page.locator(".browser-main").count()).resolves.toBe(0);
    await page.screenshot({ path: join(screenshotDir, "card-offline.png") });
    expect(problems).toEqual([]);
    await phone.close();
  });

  it("re-opened online, confirms the stored card and never replaces it: the PIN read out still works at the till", async () => {
    const phone = await newPhone();
    const issued = await showNewCard(phone);
    await issued.page.close();

    const page = await phone.newPage();
    const problems = watch(page);
    const cardRequests: string[] = [];
    page.on("request", (request) => {
      if (new URL(request.url()).pathname === "/api/card") cardRequests.push(request.method());
    });
    const confirmed = page.waitForResponse(
      (response) => new URL(response.url()).pathname === "/api/card" && response.request().method() === "GET",
    );
    await page.goto(`${server.url}/${launchFragment(initData)}`);
    await page.locator("[data-card-state=live]").waitFor();
    expect((await confirmed).status()).toBe(200);
    await page.locator(".browser-back").waitFor(); // the full card screen, not the start-up preview
    await expect(shownPin(page)).resolves.toBe(issued.pin);
    expect(cardRequests, "confirmed with GET, never a new card").toEqual(["GET"]);

    const atTheTill = await identify(issued.pin);
    expect(atTheTill.status, JSON.stringify(atTheTill.body)).toBe(200);
    await expect(storedPin(page)).resolves.toBe(issued.pin);
    expect(problems).toEqual([]);
    await phone.close();
  });

  it("re-opened while the card is live, shows it at once, before the server has answered", async () => {
    const phone = await newPhone();
    const issued = await showNewCard(phone);
    await issued.page.close();
    const reopened = await phone.newPage();
    const reopenedProblems = watch(reopened);
    // A slow network at the till: /api/me answers only once the card is on the screen, so a card
    // shown at all was shown before the server answered (however long a busy machine takes to paint).
    let releaseMe = () => {};
    const meHeld = new Promise<void>((resolve) => {
      releaseMe = resolve;
    });
    await reopened.route("**/api/me", async (route) => {
      await meHeld;
      await route.continue();
    });
    await reopened.goto(`${server.url}/${launchFragment(initData)}`);
    await reopened.locator("[data-card-state=live]").waitFor({ timeout: 20_000 });
    await expect(shownPin(reopened)).resolves.toBe(issued.pin);
    releaseMe();
    // Then the app is ready, on the card screen, and Back leads home.
    await reopened.locator(".browser-back").waitFor();
    await expect(shownPin(reopened)).resolves.toBe(issued.pin);
    expect(reopenedProblems).toEqual([]);
    await phone.close();
  });

  it("inside a Telegram client, keeps Telegram's loader up until the stored card is on screen", async () => {
    const phone = await newPhone();
    const issued = await showNewCard(phone);
    await issued.page.close();

    const page = await phone.newPage();
    const problems = watch(page);
    await page.addInitScript(telegramClientStandIn);
    await page.goto(`${server.url}/${launchFragment(initData)}`);
    await page.locator("[data-card-state=live]").waitFor();
    // The full card screen (Telegram draws the BackButton) follows the start-up preview.
    await expect
      .poll(() => telegramHostEvents(page))
      .toContainEqual(["web_app_setup_back_button", { is_visible: true }]);
    const readyWith = await page.evaluate(() => (globalThis as unknown as TelegramStandInWindow).readyWith);
    expect(readyWith.length, "web_app_ready was sent").toBeGreaterThan(0);
    expect(readyWith[0], "the first web_app_ready came with the card on screen").toBe(issued.pin);
    // A guest holding the phone to a scanner cannot swipe the app closed while the card is up (the
    // card screen's own effect says so, in no fixed order with the BackButton's) …
    await expect
      .poll(() => telegramHostEvents(page))
      .toContainEqual(["web_app_setup_swipe_behavior", { allow_vertical_swipe: false }]);
    const hostEvents = await telegramHostEvents(page);
    // … and Telegram's header takes the page's own background, so no seam shows under it.
    expect(hostEvents).toContainEqual(["web_app_set_header_color", { color_key: "secondary_bg_color" }]);
    expect(hostEvents).toContainEqual(["web_app_set_background_color", { color: "#f0f0f5" }]);
    expect(problems).toEqual([]);
    await phone.close();
  });

  it("counts down to zero, shows the card as expired; the renewed card is the one a re-open shows offline", async () => {
    const phone = await newPhone();
    const { page, problems, pin } = await showNewCard(phone);
    const decodedCode = await shownQr(page, "expiring");
    await page.locator("[data-card-state=expired]").waitFor({ timeout: (cardTtlSeconds + 5) * 1000 });
    await expect(page.locator("[data-countdown]").textContent()).resolves.toBe("0:00");
    await expect(page.getByText("Истёк").first().isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(screenshotDir, "card-expired.png") });
    for (const dead of [decodedCode, pin]) {
      const answer = await identify(dead);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ error: { code: "code_not_found" } });
    }

    // One tap on the MainButton: a new, live card.
    await page.locator(".browser-main button").click();
    await page.locator("[data-card-state=live]").waitFor();
    const renewedPin = await shownPin(page);
    const renewedQr = await shownQr(page, "renewed");
    expect(renewedQr).not.toBe(decodedCode);
    expect((await identify(renewedQr)).status).toBe(200);
    expect(problems).toEqual([]);
    await page.close();

    const reopened = await openApp(phone, { offline: true });
    await reopened.page.locator("[data-card-state=live]").waitFor();
    await expect(shownPin(reopened.page)).resolves.toBe(renewedPin);
    await expect(shownQr(reopened.page, "renewed-offline")).resolves.toBe(renewedQr);
    expect(reopened.problems).toEqual([]);
    await phone.close();
  }, 60_000);

  it("lets the cashier page identify a typed PIN, after staff enter the till's key once", async () => {
    const till = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: "ru-RU" });
    const cashier = await till.newPage();
    const cashierProblems = watch(cashier);
    const identifyCalls: string[] = [];
    cashier.on("request", (request) => {
      if (request.url().endsWith("/api/pos/identify")) identifyCalls.push(request.postData() ?? "");
    });
    await cashier.goto(`${server.url}/cashier`);
    await cashier.locator("input[name=pos-key]").fill("not-the-key");
    await cashier.keyboard.press("Enter");
    await cashier.getByText("Ключ не подходит").waitFor();
    await cashier.locator("input[name=pos-key]").fill(posKey);
    await cashier.keyboard.press("Enter");
    await cashier.locator("[data-answer=ready]").waitFor();
    await expect(cashier.getByText("till-e2e").isVisible()).resolves.toBe(true);

    const card = (await api<CardResponse>("/api/card", { method: "POST" })).body;
    // A misheard digit is caught on the page, without asking the server.
    const misheard = `${card.pin.slice(0, 5)}${(Number(card.pin[5]) + 1) % 10}`;
    await cashier.keyboard.type(misheard); // the input has the focus without being clicked
    await cashier.keyboard.press("Enter");
    await cashier.locator("[data-answer=invalid]").waitFor();
    expect(identifyCalls).toEqual([]);

    await cashier.keyboard.type(`${card.pin.slice(0, 3)} ${card.pin.slice(3)}`);
    await cashier.keyboard.press("Enter");
    const found = cashier.locator("[data-answer=found]");
    await found.waitFor();
    const text = (await found.textContent()) ?? "";
    expect(text).toContain("Мария К.");
    expect(text).toContain("+7 *** ***-20-01");
    expect(text.replace(/\D/g, "")).not.toContain(guestPhone.slice(1));
    await expect(cashier.locator("input[name=code]").inputValue()).resolves.toBe("");
    await cashier.screenshot({ path: join(screenshotDir, "cashier-found.png") });

    // The key is kept: a reload goes straight to the till.
    await cashier.reload();
    await cashier.locator("[data-answer=ready]").waitFor();
    expect(identifyCalls).toHaveLength(1);
    expect(cashierProblems).toEqual([]);
    await till.close();
  });

  it("scans the card's QR with a tablet's camera (ZXing in WebAssembly, served by us) after a manager lengthened the lifetime", async () => {
    // A manager sets the lifetime to two minutes. It stays so (the settings allow no less than 30 s,
    // the server started with 12): the tests that watch a card die come before this one.
    await setCardLifetime(120);
    // The guest's next card has it: the phone shows two minutes on the clock.
    const phone = await newPhone();
    const { page: shown } = await showNewCard(phone);
    await expect.poll(() => shown.locator("[data-countdown]").textContent()).toMatch(/^(2:00|1:5\d)$/);
    const issued = await api<CardResponse>("/api/card");
    expect(issued.body).toMatchObject({ ttlSeconds: 120, pin: await shownPin(shown) });

    // Its QR, drawn on a 640×480 frame, becomes the fake camera's picture.
    const luma = await shown.evaluate(async () => {
      const svg = document.querySelector(".guest-card-qr svg");
      if (!svg) throw new Error("no QR on the card");
      const image = new Image();
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
      await image.decode();
      const canvas = Object.assign(document.createElement("canvas"), { width: 640, height: 480 });
      const context = canvas.getContext("2d");
      if (!context) throw new Error("no canvas");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, 640, 480);
      context.drawImage(image, 150, 70, 340, 340);
      const { data } = context.getImageData(0, 0, 640, 480);
      let bytes = "";
      for (let index = 0; index < data.length; index += 4) bytes += String.fromCharCode(data[index] ?? 255);
      return btoa(bytes);
    });
    await phone.close();
    const frame = join(shots, "camera.y4m");
    const chroma = Buffer.alloc((640 / 2) * (480 / 2) * 2, 128);
    writeFileSync(
      frame,
      Buffer.concat([
        Buffer.from("YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\nFRAME\n"),
        Buffer.from(luma, "base64"),
        chroma,
      ]),
    );

    const cameraBrowser = await launchChromium({
      args: [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        `--use-file-for-fake-video-capture=${frame}`,
      ],
    });
    try {
      const tablet = await cameraBrowser.newContext({
        viewport: { width: 768, height: 1024 },
        locale: "en-GB",
      });
      const cashier = await tablet.newPage();
      const cashierProblems = watch(cashier);
      const foreignHosts = new Set<string>();
      const wasm: string[] = [];
      cashier.on("request", (request) => {
        const url = new URL(request.url());
        if (url.origin !== server.url && url.protocol !== "data:" && url.protocol !== "blob:")
          foreignHosts.add(url.host);
        if (url.pathname.endsWith(".wasm")) wasm.push(url.pathname);
      });
      await cashier.goto(`${server.url}/cashier`);
      await cashier.locator("input[name=pos-key]").fill(posKey);
      await cashier.keyboard.press("Enter");
      await cashier.getByRole("button", { name: "Scan with camera" }).click();
      const found = cashier.locator("[data-answer=found]");
      await found.waitFor({ timeout: 30_000 });
      await expect(found.textContent()).resolves.toContain("Мария К.");
      await cashier.screenshot({ path: join(screenshotDir, "cashier-camera-found.png") });
      expect(wasm, "the QR reader's WebAssembly came from our server").toEqual([
        expect.stringMatching(/^\/assets\/zxing_reader-[\w-]+\.wasm$/),
      ]);
      expect([...foreignHosts]).toEqual([]);
      expect(cashierProblems).toEqual([]);
    } finally {
      await cameraBrowser.close();
    }
  });

  async function setCardLifetime(seconds: number) {
    const manager = demoGuests.find((candidate) => candidate.role === "manager")!;
    const demoToken = readFileSync(join(dataDir, "demo-bot-token"), "utf8").trim();
    const saved = await fetch(`${server.url}/api/manager/settings`, {
      method: "PUT",
      headers: {
        authorization: `tma ${signInitData(manager, demoToken)}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ cardTtlSeconds: seconds }),
    });
    expect(saved.status, await saved.clone().text()).toBe(200);
  }

  it("in a trial with no POS_API_KEYS, the demo launcher's cashier link brings a working till key", async () => {
    const trialDir = migratedDataDir("guestcard-card-trial-");
    const trial = await startServer({ DATA_DIR: trialDir });
    try {
      const launcher = await (await fetch(`${trial.url}/demo`)).text();
      const link = /href="(\/cashier#pos-key=[^"]+)"/.exec(launcher)?.[1];
      expect(link, "the launcher links the cashier page with a key").toBeTruthy();
      const till = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: "en-GB" });
      const cashier = await till.newPage();
      const cashierProblems = watch(cashier);
      await cashier.goto(`${trial.url}${link}`);
      await cashier.locator("[data-answer=ready]").waitFor();
      await expect(cashier.getByText("demo-till").isVisible()).resolves.toBe(true);
      expect(new URL(cashier.url()).hash, "the key does not stay in the address bar").toBe("");
      expect(cashierProblems).toEqual([]);
      await till.close();
    } finally {
      expect(await trial.stop("SIGTERM")).toBe(0);
      rmSync(trialDir, { recursive: true, force: true });
    }
  });
});
