// Guest records, phone conflicts and "My data" end to end: the real server with the real bot against
// the fake Bot API, the built Mini App in Chromium at phone size. Screenshots go to
// artifacts/screenshots/guest-record*.png and my-data*.png (the guest record is in docs/screenshots/).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MyDataResponse, PhoneConflictListResponse } from "@guestcard/shared";
import type { Browser, Page } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LaunchUser, launchFragment, signInitData } from "../src/demo/launch-url";
import { type FakeBotApi, startFakeBotApi } from "../test/fake-bot-api";
import { migratedDataDir, type ServerProcess, startServer } from "../test/server-process";
import { testBotToken } from "../test/test-app";
import { launchChromium, requireWebBuild, screenshotFolder } from "./browser-kit";
import { type ApiRequest, requestApi, shareThroughTheBot } from "./guest-kit";

const screenshotDir = screenshotFolder();
const botUsername = "bistro_e2e_bot";
const managersChat = -1_001_000_077_000;
const manager: LaunchUser = { id: 78_001, firstName: "Maria", lastName: "Manager", languageCode: "en" };
const ivan: LaunchUser = { id: 78_002, firstName: "Ivan", lastName: "Petrov", languageCode: "en" };
const eve: LaunchUser = { id: 78_003, firstName: "Eve", lastName: "Newphone", languageCode: "en" };
const olga: LaunchUser = { id: 78_004, firstName: "Olga", lastName: "Smirnova", languageCode: "en" };
const typedPhone = "8 (921) 555-01-02";

describe("guest records, phone conflicts and my data in a real browser (e2e)", () => {
  const dataDir = migratedDataDir("guestcard-e2e-guest-records-");
  const downloads = mkdtempSync(join(tmpdir(), "guestcard-e2e-my-data-"));
  let server: ServerProcess;
  let fake: FakeBotApi;
  let browser: Browser;
  let page: Page;

  const api = (path: string, init: ApiRequest = {}) => requestApi(server.url, path, init);
  const throughTheBot = (user: LaunchUser, phone: string) => shareThroughTheBot(fake, user, phone);

  const open = async (user: LaunchUser, startParam?: string) => {
    await page.goto("about:blank");
    const initData = signInitData(user, testBotToken, startParam ? { startParam } : {});
    await page.goto(`${server.url}/${launchFragment(initData)}`);
  };
  const screenshot = (name: string) =>
    page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
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
        MANAGER_CHAT_ID: String(managersChat),
      }),
      launchChromium(),
    ]);
    await throughTheBot(manager, "+79990078001");
    await throughTheBot(ivan, "+79215550102");
    await throughTheBot(olga, "+79215550177");
    for (const [user, marketing] of [
      [manager, false],
      [ivan, false],
      [olga, false],
    ] as const) {
      const registered = await api("/api/registration", {
        as: user,
        json: {
          lastName: user.lastName,
          firstName: user.firstName,
          birthday: "1985-04-12",
          consents: { personalData: true, marketing },
        },
      });
      expect(registered.status, await registered.text()).toBe(201);
    }
    const review = await api("/api/reviews", {
      as: ivan,
      json: { rating: 4, text: "Lovely pelmeni, a bit slow at lunch." },
    });
    expect(review.status, await review.text()).toBe(202);
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

  it("a manager finds a guest by a phone typed 8 (921) 555-01-02 and reads the record", async () => {
    await open(manager);
    await page.getByRole("button", { name: /Manager tools/ }).click();
    await page.getByRole("button", { name: /^Guests/ }).click();
    await page.getByLabel("Phone or name").fill(typedPhone);
    await page.getByRole("button", { name: "Find" }).click();
    await page.getByRole("button", { name: /Petrov Ivan/ }).click();

    await page.getByRole("heading", { name: "Petrov Ivan" }).waitFor();
    await page.getByRole("link", { name: "+7 921 555-01-02" }).waitFor();
    await page.getByText("Registered in the app").waitFor();
    await expect
      .poll(() => page.locator(".field", { hasText: "Personal data processing" }).textContent())
      .toMatch(/Given on /);
    await expect
      .poll(() => page.locator(".field", { hasText: "Offers and news" }).textContent())
      .toContain("Not given");
    await page.getByText("Lovely pelmeni, a bit slow at lunch.").waitFor();
    await screenshot("guest-record");

    // Points: a hand adjustment needs a reason, and the balance follows.
    const balance = Number(await page.getByTestId("points-balance").textContent());
    await page.getByLabel("Points (+ to add, − to take)").fill("50");
    await page.getByRole("button", { name: "Adjust points" }).click();
    await page.getByText("A whole number of points, not 0, and a reason").waitFor();
    await page.locator("textarea[name=adjust-reason]").fill("Waited 40 minutes for the soup");
    await page.getByRole("button", { name: "Adjust points" }).click();
    await page.getByText(`Done: the balance is ${balance + 50} now.`).waitFor();
    await expect.poll(() => page.getByTestId("points-balance").textContent()).toBe(String(balance + 50));
  });

  it("the alert's link opens the phone conflict, and the manager moves the card: both guests are told", async () => {
    await throughTheBot(eve, "+79215550102");
    // The alert goes to the managers' chat in the same update as the guest's answer.
    const alertLink = () =>
      (fake.messagesTo(managersChat) as { reply_markup?: { inline_keyboard?: { url?: string }[][] } }[])
        .map((alert) => alert.reply_markup?.inline_keyboard?.[0]?.[0]?.url)
        .find(Boolean);
    await fake.waitFor(() => alertLink() !== undefined, 10_000);
    const link = alertLink() ?? "";
    const startParam = new URL(link).searchParams.get("startapp") ?? "";
    expect(startParam).toMatch(/^conflict-\d+$/);

    await open(manager, startParam);
    await page.getByRole("heading", { name: "Phone conflict" }).waitFor();
    await page.locator(".field", { hasText: "Number shared by" }).getByText(/^Eve/).waitFor();
    await page.getByRole("button", { name: "Move the card to the guest who shared the number" }).click();
    await page.getByText("Write why: it goes to the audit log").waitFor();
    await page
      .getByLabel("Reason")
      .fill("Eve showed the phone with the number at the bar; Ivan changed numbers.");
    await page.getByRole("button", { name: "Move the card to the guest who shared the number" }).click();
    await screenshot("phone-conflict");
    await page.getByRole("button", { name: "Confirm" }).click();
    await page.getByText(/^Resolved on .*: the card moved$/).waitFor();

    await fake.waitFor(
      () => fake.messagesTo(ivan.id).some((message) => String(message.text).includes("moved")),
      10_000,
    );
    await fake.waitFor(
      () =>
        fake.messagesTo(eve.id).some((message) => String(message.text).includes("linked your guest card")),
      10_000,
    );
    const stillOpen = (await (
      await api("/api/manager/phone-conflicts", { as: manager })
    ).json()) as PhoneConflictListResponse;
    expect(stillOpen.conflicts).toEqual([]);
  });

  it("my data: three consent states, opting in and out, the export as a file, and deletion that says what it did", async () => {
    // Olga never ticked offers and news when she registered.
    const review = await api("/api/reviews", { as: olga, json: { rating: 5, text: "Best syrniki in town" } });
    expect(review.status).toBe(202);
    await open(olga);
    await page.getByRole("button", { name: /My data/ }).click();
    await page.getByRole("heading", { name: "My data" }).waitFor();
    const offers = page.locator(".field", { hasText: "Offers and news" });
    await expect.poll(() => offers.textContent()).toContain("Not given");
    // The restaurant's bookkeeping is not shown to guests: no consent text version, no count of cards.
    await expect.poll(() => page.getByText(/Text version/).count()).toBe(0);
    expect(await page.getByText(/Cards issued/).count()).toBe(0);
    await page.locator(".field", { hasText: "Reviews sent" }).waitFor();

    await page.getByRole("button", { name: "Receive offers and news" }).click();
    await expect.poll(() => offers.textContent()).toMatch(/Given on /);
    await page.getByRole("button", { name: "Stop offers and news" }).click();
    await expect.poll(() => offers.textContent()).toMatch(/Withdrawn on /);
    await screenshot("my-data");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download my data" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
    const file = join(downloads, "my-data.json");
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, "utf8")) as MyDataResponse;
    expect(exported.telegram.id).toBe(olga.id);
    expect(exported.account?.phone).toBe("+79215550177");
    expect(exported.reviews.map((review) => review.text)).toEqual(["Best syrniki in town"]);
    expect(exported.consentStates.marketing.state).toBe("withdrawn");

    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.getByRole("button", { name: "Delete for good" }).click();
    await page.getByRole("heading", { name: "Your data is deleted" }).waitFor();
    await page.getByText(/What stays:/).waitFor();
    await screenshot("my-data-deleted");
    await mainButton().click();
    await page.getByRole("heading", { name: "Share your phone number" }).waitFor();
    const reviews = (await (await api("/api/reviews", { as: olga })).json()) as { reviews: unknown[] };
    expect(reviews.reviews).toEqual([]);
    const myData = (await (await api("/api/my-data", { as: olga })).json()) as MyDataResponse;
    expect(JSON.stringify(myData)).not.toContain("syrniki");
  });
});
