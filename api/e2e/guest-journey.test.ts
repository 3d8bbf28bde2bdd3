// The guest Mini App end to end: the real server (`src/main.ts`) on a fresh embedded database,
// the built web app, and Debian's Chromium, opened the way Telegram opens a Mini App: signed
// launch parameters in the URL hash. Screenshots of every screen, light and dark, go to
// artifacts/screenshots/ for people to look at.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { MeResponse, MyDataResponse } from "@guestcard/shared";
import type { Browser, Page } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchUser, launchFragment, signInitData, type ThemeName } from "../src/demo/launch-url";
import { type FakeBotApi, startFakeBotApi } from "../test/fake-bot-api";
import { migratedDataDir, type ServerProcess, startServer } from "../test/server-process";
import { contactUpdate, startUpdate, telegramUser } from "../test/telegram-updates";
import { testBotToken } from "../test/test-app";
import {
  animationsFinished,
  launchChromium,
  openPhonePage,
  requireWebBuild,
  screenshotFolder,
  telegramClientStandIn,
  telegramEvent,
  telegramHostEvents,
} from "./browser-kit";

const screenshotDir = screenshotFolder();

const serverStartMs = 150_000;

/** Telegram's initData of a new guest. Ids are far from the demo launcher's so nothing collides. */
const newGuest = (id: number, firstName: string, languageCode: string): LaunchUser => ({
  id,
  firstName,
  lastName: "Tester",
  username: `e2e_${id}`,
  languageCode,
});

describe("the guest Mini App in a real browser (e2e)", () => {
  const dataDir = migratedDataDir("guestcard-e2e-");
  const botDataDir = migratedDataDir("guestcard-e2e-bot-");
  /** Demo mode (no BOT_TOKEN), as a newcomer tries it: a plain tab, the demo control for the phone. */
  let server: ServerProcess;
  /** With a bot (polling a fake Bot API): the phone really travels through the bot. */
  let botServer: ServerProcess;
  let fakeTelegram: FakeBotApi;
  let browser: Browser;
  let demoToken: string;

  beforeAll(async () => {
    requireWebBuild();
    fakeTelegram = await startFakeBotApi();
    // A short INIT_DATA_MAX_AGE_SECONDS lets us present stale initData. Generous start-up limits:
    // on a busy two-core CI machine two servers compiling and migrating at once take a while.
    [server, botServer, browser] = await Promise.all([
      startServer({ DATA_DIR: dataDir, INIT_DATA_MAX_AGE_SECONDS: "3600" }, serverStartMs),
      startServer(
        {
          DATA_DIR: botDataDir,
          BOT_TOKEN: testBotToken,
          BOT_MODE: "polling",
          TELEGRAM_API_ROOT: fakeTelegram.apiRoot,
        },
        serverStartMs,
      ),
      launchChromium(),
    ]);
    demoToken = readFileSync(join(dataDir, "demo-bot-token"), "utf8").trim();
  }, serverStartMs + 60_000);

  afterAll(async () => {
    await browser?.close();
    const started = [server, botServer].filter((each) => each !== undefined);
    const exitCodes = await Promise.all(started.map((each) => each.stop("SIGTERM")));
    await fakeTelegram?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(botDataDir, { recursive: true, force: true });
    expect(exitCodes, "every server stops cleanly on SIGTERM").toEqual(started.map(() => 0));
  });

  const initDataFor = (user: LaunchUser, authDate?: Date) => signInitData(user, demoToken, { authDate });

  const openPhone = (theme: ThemeName) => openPhonePage(browser, theme, { timeoutMs: 20_000 });

  const launchUrl = (initData: string, theme: ThemeName, origin = server.url) =>
    `${origin}/${launchFragment(initData, theme)}`;

  async function api<T>(
    path: string,
    initData: string,
    init: { method?: string; json?: unknown; origin?: string } = {},
  ): Promise<T> {
    const response = await fetch(`${init.origin ?? server.url}${path}`, {
      method: init.method ?? (init.json === undefined ? "GET" : "POST"),
      headers: { authorization: `tma ${initData}`, "content-type": "application/json" },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async function screenshot(page: Page, theme: ThemeName, name: string) {
    await animationsFinished(page);
    await page.screenshot({ path: join(screenshotDir, theme, `${name}.png`) });
  }

  /** What the page showed when a step failed: a screenshot next to the others, and its text in the error. */
  async function keepFailure(page: Page, error: unknown) {
    const name = `failure-${Date.now()}`;
    await page.screenshot({ path: join(screenshotDir, "failures", `${name}.png`) }).catch(() => undefined);
    const text = await page
      .evaluate(
        () =>
          (globalThis as unknown as { document: { body: { textContent: string } } }).document.body
            .textContent,
      )
      .catch(() => "");
    if (error instanceof Error) error.message += `\n(screenshot: failures/${name}.png)\npage text:\n${text}`;
  }

  const heading = (page: Page, name: RegExp) => page.getByRole("heading", { name }).first();

  it.each([
    ["light", 910_001, "+79990091001", "+7 999 009-10-01"],
    ["dark", 910_002, "+79990091002", "+7 999 009-10-02"],
  ] as const)(
    "walks a new guest (%s theme) from the phone step through registration, home and my data to deletion",
    async (theme, userId, phone, phoneAsShown) => {
      const alex = newGuest(userId, "Alex", "en");
      const initData = initDataFor(alex);
      const { context, page, problems } = await openPhone(theme);
      try {
        await page.goto(launchUrl(initData, theme));

        // needs_phone
        await heading(page, /Share your phone number/).waitFor();
        await screenshot(page, theme, "1-phone");
        await page.getByLabel("Phone number").fill(phone);
        await page.getByRole("button", { name: "Share a demo number" }).click();

        // needs_registration: the phone is read-only and comes from the share, the name from Telegram.
        await heading(page, /Join the loyalty programme/).waitFor();
        expect(await page.getByLabel("Phone", { exact: true }).inputValue()).toBe(phoneAsShown);
        expect(await page.getByLabel(/^First name/).inputValue()).toBe("Alex");
        await screenshot(page, theme, "2-registration");

        // A validation error first: no surname, a bad e-mail, no consent.
        await page.getByLabel(/^Surname/).fill("");
        await page.getByLabel(/^E-mail/).fill("alex@");
        await page.getByRole("button", { name: "Create my card" }).click();
        await page.getByText("Please fill this in").waitFor();
        await page.getByText("This doesn't look like an e-mail address").waitFor();
        await page.getByText("We need this consent to create your card").waitFor();
        expect(await page.getByLabel(/^Surname/).getAttribute("aria-invalid")).toBe("true");
        await screenshot(page, theme, "3-registration-errors");
        expect(
          (await api<MeResponse>("/api/me", initData)).status,
          "nothing is created by an invalid form",
        ).toBe("needs_registration");

        // Then success, with marketing consent given so that it can be withdrawn later.
        await page.getByLabel(/^Surname/).fill("Taylor");
        await page.getByLabel(/^E-mail/).fill("alex@example.com");
        await page.getByLabel(/^Birthday/).fill("1990-05-31");
        await page.getByRole("radio", { name: "Male", exact: true }).check();
        await page.getByLabel(/I agree to the processing/).check();
        await page.getByLabel(/Send me offers and news/).check();
        await page.getByRole("button", { name: "Create my card" }).click();

        // registered → home
        await heading(page, /Hello, Alex!/).waitFor();
        await screenshot(page, theme, "4-home");
        const me = await api<MeResponse>("/api/me", initData);
        expect(me.status).toBe("registered");
        expect(me.account).toMatchObject({
          lastName: "Taylor",
          gender: "male",
          birthday: "1990-05-31",
          phone,
        });

        // my data: what we store, then withdraw marketing consent.
        await page.getByRole("button", { name: /My data/ }).click();
        await heading(page, /^My data$/).waitFor();
        await page.getByText("alex@example.com").waitFor();
        await screenshot(page, theme, "5-my-data");
        await page.getByRole("button", { name: "Stop offers and news" }).click();
        await page.getByText("You won't receive offers and news any more.").waitFor();
        const data = await api<MyDataResponse>("/api/my-data", initData);
        expect(
          data.consents.filter((consent) => consent.kind === "marketing").map((consent) => consent.granted),
        ).toEqual([true, false]);

        // delete, with a confirmation → back to needs_phone.
        await page.getByRole("button", { name: "Delete my account" }).click();
        await heading(page, /Delete your account\?/).waitFor();
        await screenshot(page, theme, "6-delete-confirmation");
        await page.getByRole("button", { name: "Delete for good" }).click();
        // It says what went and what stays; OK (the MainButton) leads back to the start.
        await heading(page, /Your data is deleted/).waitFor();
        await page.getByText(/What stays/).waitFor();
        await page.locator(".browser-main button").click();
        await heading(page, /Share your phone number/).waitFor();
        const after = await api<MeResponse>("/api/me", initData);
        expect(after).toMatchObject({ status: "needs_phone", phone: null, account: null });

        expect(problems).toEqual([]);
      } catch (error) {
        await keepFailure(page, error);
        throw error;
      } finally {
        await context.close();
      }
    },
    90_000,
  );

  it("shows phone_conflict when the shared number's account belongs to another Telegram user", async () => {
    const owner = initDataFor(newGuest(910_010, "Olga", "ru"));
    await api("/api/demo/share-phone", owner, { json: { phone: "+79990091010" } });
    await api("/api/registration", owner, {
      json: { lastName: "Owner", firstName: "Olga", consents: { personalData: true } },
    });

    const intruder = initDataFor(newGuest(910_011, "Иван", "ru"));
    const { context, page, problems } = await openPhone("light");
    try {
      await page.goto(launchUrl(intruder, "light"));
      // Russian for a Russian-speaking Telegram user.
      await heading(page, /Поделитесь номером телефона/).waitFor();
      await page.getByLabel("Номер телефона").fill("+7 999 009-10-10");
      await page.getByRole("button", { name: "Поделиться демо-номером" }).click();
      await heading(page, /Этот номер привязан к другому аккаунту/).waitFor();
      // No promise nobody keeps: the managers know, and the bot will write once they decide.
      await page.getByText(/Управляющие уже знают об этом/).waitFor();
      await screenshot(page, "light", "7-phone-conflict-ru");
      expect((await api<MeResponse>("/api/me", intruder)).status).toBe("phone_conflict");
      expect(problems).toEqual([]);
    } catch (error) {
      await keepFailure(page, error);
      throw error;
    } finally {
      await context.close();
    }
  }, 60_000);

  it.each(["light", "dark"] as const)(
    "asks to reopen the app when the initData is older than allowed (%s theme)",
    async (theme) => {
      const stale = initDataFor(newGuest(910_020, "Sam", "en"), new Date(Date.now() - 2 * 3600_000));
      const { context, page } = await openPhone(theme);
      try {
        await page.goto(launchUrl(stale, theme));
        await heading(page, /Please reopen the app/).waitFor();
        await screenshot(page, theme, "8-session-expired");
      } catch (error) {
        await keepFailure(page, error);
        throw error;
      } finally {
        await context.close();
      }
    },
    60_000,
  );

  it("explains how to open the app when there are no launch parameters, with a link to the demo", async () => {
    const { context, page, problems } = await openPhone("light");
    try {
      await page.goto(`${server.url}/`);
      await heading(page, /Open this from Telegram/).waitFor();
      await page.getByRole("link", { name: /Open the demo/ }).waitFor();
      await screenshot(page, "light", "9-not-in-telegram");
      expect(problems).toEqual([]);
    } catch (error) {
      await keepFailure(page, error);
      throw error;
    } finally {
      await context.close();
    }
  }, 60_000);

  it("inside a Telegram client: shares the phone through the bot and drives Telegram's buttons and haptics", async () => {
    const tanya = telegramUser(920_001, "Tanya", "en");
    const initData = signInitData(tanya, testBotToken);
    const { context, page, problems } = await openPhone("light");
    try {
      // What Telegram does when the guest agrees to share: the contact arrives at the bot as a message.
      await page.exposeFunction("sendContactToBot", () => {
        fakeTelegram.pushUpdate(contactUpdate(tanya, "79990092001"));
      });
      await page.addInitScript(telegramClientStandIn, { phone: "79990092001", userId: tanya.id });
      await page.goto(launchUrl(initData, "light", botServer.url));
      await heading(page, /Share your phone number/).waitFor();
      const events = () => telegramHostEvents(page);
      const mainButton = async () =>
        (await events()).filter(([name]) => name === "web_app_setup_main_button").at(-1)?.[1];
      const backButton = async () =>
        (await events()).filter(([name]) => name === "web_app_setup_back_button").at(-1)?.[1];
      const press = (event: string) => telegramEvent(page, event);

      expect((await events()).map(([name]) => name)).toContain("web_app_ready");
      expect(await mainButton()).toMatchObject({ is_visible: true, text: "Share phone number" });
      expect(
        await page.locator(".browser-main, .browser-top").count(),
        "no in-page stand-ins inside Telegram",
      ).toBe(0);
      expect(await page.getByText("Demo").count(), "no demo control outside demo mode").toBe(0);

      // The guest taps Telegram's MainButton and agrees; the bot stores the phone; the app sees it.
      await press("main_button_pressed");
      await heading(page, /Join the loyalty programme/).waitFor();
      expect((await events()).map(([name]) => name)).toContain("web_app_request_phone");
      expect(await mainButton()).toMatchObject({ is_visible: true, text: "Create my card" });
      expect(await page.getByLabel("Phone", { exact: true }).inputValue()).toBe("+7 999 009-20-01");

      // An invalid submit: Telegram's haptic error, and the errors on screen.
      await page.getByLabel(/^Surname/).fill("");
      await press("main_button_pressed");
      await page.getByText("Please fill this in").waitFor();
      expect(await events()).toContainEqual([
        "web_app_trigger_haptic_feedback",
        { type: "notification", notification_type: "error" },
      ]);

      await page.getByLabel(/^Surname/).fill("Ivanova");
      await page.getByLabel(/I agree to the processing/).check();
      await press("main_button_pressed");
      await heading(page, /Hello, Tanya!/).waitFor();
      expect(await mainButton()).toMatchObject({ is_visible: true, text: "Show card" });
      expect(await events()).toContainEqual([
        "web_app_trigger_haptic_feedback",
        { type: "notification", notification_type: "success" },
      ]);

      // Into "My data": Telegram's BackButton appears and the MainButton goes; back, and in again to delete.
      await page.getByRole("button", { name: /My data/ }).click();
      await heading(page, /^My data$/).waitFor();
      expect(await backButton()).toEqual({ is_visible: true });
      expect(await mainButton()).toMatchObject({ is_visible: false });
      await press("back_button_pressed");
      await heading(page, /Hello, Tanya!/).waitFor();
      expect(await backButton()).toEqual({ is_visible: false });
      expect(await mainButton()).toMatchObject({ is_visible: true, text: "Show card" });

      await page.getByRole("button", { name: /My data/ }).click();
      await page.getByRole("button", { name: "Delete my account" }).click();
      await page.getByRole("button", { name: "Delete for good" }).click();
      await heading(page, /Your data is deleted/).waitFor();
      await expect.poll(mainButton).toMatchObject({ is_visible: true, text: "OK" });
      await press("main_button_pressed");
      await heading(page, /Share your phone number/).waitFor();
      expect(await mainButton()).toMatchObject({ is_visible: true, text: "Share phone number" });
      expect(await api<MeResponse>("/api/me", initData, { origin: botServer.url })).toMatchObject({
        status: "needs_phone",
        account: null,
      });

      // And the bot treats Tanya as a new guest: /start asks for the phone again.
      fakeTelegram.reset();
      fakeTelegram.pushUpdate(startUpdate(tanya));
      await fakeTelegram.waitFor(
        () => JSON.stringify(fakeTelegram.messagesTo(tanya.id)).includes('"request_contact":true'),
        10_000,
      );
      expect(problems).toEqual([]);
    } catch (error) {
      await keepFailure(page, error);
      throw error;
    } finally {
      await context.close();
    }
  }, 90_000);

  it("never prints a guest's phone or initData to the server log", () => {
    const log = server.output();
    for (const secret of ["+79990091001", "+79990091002", "+79990091010", "tgWebAppData", "auth_date="]) {
      expect(log).not.toContain(secret);
    }
  });
});
