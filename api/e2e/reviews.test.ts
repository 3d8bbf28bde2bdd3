// The review screen end to end, as a newcomer meets it in demo mode: the real server on a fresh
// embedded database, the built web app in Debian's Chromium, the demo "managers' chat" page standing
// in for Telegram. Screenshots go to artifacts/screenshots/<theme>/review-*.png.
// The restaurant's answer then shows on the guest's home (review-answer-card.tsx), in Russian here.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { GuestReviewsResponse, MeResponse } from "@guestcard/shared";
import type { Browser, Page } from "@playwright/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reviewAnswerCatalogues } from "../../web/src/review/review-answer-texts";
import { type LaunchUser, launchFragment, signInitData, type ThemeName } from "../src/demo/launch-url";
import { migratedDataDir, type ServerProcess, startServer } from "../test/server-process";
import {
  animationsFinished,
  launchChromium,
  openPhonePage,
  requireWebBuild,
  screenshotFolder,
} from "./browser-kit";

const screenshotDir = screenshotFolder();

describe("writing a review in the Mini App and watching it arrive (e2e, demo mode)", () => {
  const dataDir = migratedDataDir("guestcard-e2e-reviews-");
  let server: ServerProcess;
  let browser: Browser;
  let demoToken: string;

  beforeAll(async () => {
    requireWebBuild();
    for (const theme of ["light", "dark"]) mkdirSync(join(screenshotDir, theme), { recursive: true });
    [server, browser] = await Promise.all([startServer({ DATA_DIR: dataDir }), launchChromium()]);
    demoToken = readFileSync(join(dataDir, "demo-bot-token"), "utf8").trim();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    const exitCode = await server?.stop("SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
    expect(exitCode).toBe(0);
  });

  async function api<T>(path: string, initData: string, json?: unknown): Promise<T> {
    const response = await fetch(`${server.url}${path}`, {
      method: json === undefined ? "GET" : "POST",
      headers: { authorization: `tma ${initData}`, "content-type": "application/json" },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** A registered guest, set up through the API: this test is about the review screen. */
  async function registeredGuest(user: LaunchUser, phone: string): Promise<string> {
    const initData = signInitData(user, demoToken);
    await api("/api/demo/share-phone", initData, { phone });
    await api("/api/registration", initData, {
      lastName: user.lastName,
      firstName: user.firstName,
      consents: { personalData: true },
    });
    return initData;
  }

  const openPhone = (theme: ThemeName) => openPhonePage(browser, theme, { timeoutMs: 15_000 });

  async function screenshot(page: Page, theme: ThemeName, name: string) {
    await animationsFinished(page);
    await page.screenshot({ path: join(screenshotDir, theme, `${name}.png`) });
  }

  const heading = (page: Page, name: RegExp) => page.getByRole("heading", { name }).first();

  async function openReviewScreen(page: Page, initData: string, theme: ThemeName) {
    await page.goto(`${server.url}/${launchFragment(initData, theme)}`);
    await heading(page, /^Hello, /).waitFor();
    await page.getByRole("button", { name: /Write a review/ }).click();
    await heading(page, /^Write a review$/).waitFor();
  }

  it("keeps the draft across a reload, sends it, shows it in the managers' chat, and shows the answer", async () => {
    const theme: ThemeName = "light";
    const rita: LaunchUser = {
      id: 920_001,
      firstName: "Rita",
      lastName: "Tester",
      username: "e2e_rita",
      languageCode: "en",
    };
    const initData = await registeredGuest(rita, "+79990092001");
    const text = "Lovely <b>borscht</b> & quick service.\nThe dessert took 25 minutes, though.";
    const { context, page, problems } = await openPhone(theme);
    try {
      await openReviewScreen(page, initData, theme);
      const send = page.getByRole("button", { name: "Send review" });
      expect(await send.isDisabled(), "nothing to send yet").toBe(true);
      await screenshot(page, theme, "review-1-empty");

      // Stars alone: Send is there to tap, and says what is missing instead of doing nothing.
      await page.getByRole("radio", { name: "4 of 5" }).check();
      await send.click();
      await page.getByText("Please write a few words").waitFor();
      await page.getByLabel("Your review").fill(text);
      await page.getByText(`${text.length} / 4,000`).waitFor();
      await screenshot(page, theme, "review-2-written");

      // Telegram closes the Mini App; the guest opens it again later.
      await page.reload();
      await heading(page, /^Hello, Rita!/).waitFor();
      await page.getByRole("button", { name: /Write a review/ }).click();
      expect(await page.getByLabel("Your review").inputValue()).toBe(text);
      expect(await page.getByRole("radio", { name: "4 of 5" }).isChecked()).toBe(true);

      await send.click();
      await heading(page, /^Thank you!$/).waitFor();
      await page.getByText("Demo: see it in the managers' chat").waitFor();
      await screenshot(page, theme, "review-3-sent");
      const stored = await api<GuestReviewsResponse>("/api/reviews", initData);
      expect(stored.reviews).toHaveLength(1);
      expect(stored.reviews[0]).toMatchObject({ text, rating: 4, answered: false });

      // The draft is gone once the review is stored.
      await page.getByRole("button", { name: "Write another review" }).click();
      expect(await page.getByLabel("Your review").inputValue()).toBe("");

      // The managers' chat stand-in shows it as the bot would post it, the guest's tags as text.
      await page.goto(`${server.url}/demo/managers-chat`);
      const review = page.locator(`[data-review-id="${stored.reviews[0]?.id}"]`);
      const bubble = review.locator(".bubble").first();
      await bubble.waitFor();
      expect(await bubble.textContent()).toContain("Lovely <b>borscht</b> & quick service.");
      expect(await bubble.locator("a").getAttribute("href")).toBe("tg://user?id=920001");
      expect(await bubble.locator("b").count(), "only the heading is bold").toBe(1);
      await screenshot(page, theme, "review-4-managers-chat");
      await review.getByRole("textbox").fill("Thank you, Rita! The dessert is on us next time.");
      await review.getByRole("button", { name: "Reply" }).click();
      await review.locator(".bubble.manager").waitFor();

      // Back in the Mini App, the review is answered.
      await openReviewScreen(page, initData, theme);
      await page.getByText("Answered", { exact: true }).waitFor();
      await page.getByText("Thank you, Rita! The dessert is on us next time.").scrollIntoViewIfNeeded();
      await screenshot(page, theme, "review-5-answered");
      expect(problems).toEqual([]);
    } catch (error) {
      // What the page showed when a step failed, next to the other screenshots.
      mkdirSync(join(screenshotDir, "failures"), { recursive: true });
      await page
        .screenshot({ path: join(screenshotDir, "failures", `review-${Date.now()}.png`) })
        .catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  }, 120_000);

  it("shows a guest the restaurant's answer on home, in Russian, until they mark it read; a newer answer brings it back", async () => {
    const texts = reviewAnswerCatalogues.ru;
    const olga: LaunchUser = {
      id: 920_003,
      firstName: "Ольга",
      lastName: "Проверкина",
      username: "e2e_olga",
      languageCode: "ru",
    };
    const initData = await registeredGuest(olga, "+79990092003");
    const launchUrl = (theme: ThemeName) => `${server.url}/${launchFragment(initData, theme)}`;
    const answerCard = (page: Page) => page.locator("[data-review-answer]");
    const answer = [
      "Ольга, спасибо, что написали!",
      "Десерт действительно задержался: в тот вечер у нас не хватало кондитера.",
      "Мы поговорили с кухней и теперь подаём десерты не позже чем через десять минут.",
      "В следующий раз кофе и десерт — за наш счёт.",
    ].join("\n");

    /** A manager answers the guest's latest review in the managers' chat (the demo's stand-in). */
    async function managerReplies(page: Page, text: string) {
      const [latest] = (await api<GuestReviewsResponse>("/api/reviews", initData)).reviews;
      await page.goto(`${server.url}/demo/managers-chat`);
      const review = page.locator(`[data-review-id="${latest?.id}"]`);
      const before = await review.locator(".bubble.manager").count();
      await review.getByRole("textbox").fill(text);
      await review.getByRole("button", { name: "Reply" }).click();
      await expect.poll(() => review.locator(".bubble.manager").count()).toBe(before + 1);
    }

    const light = await openPhone("light");
    const dark = await openPhone("dark");
    try {
      // The guest writes a review in the Mini App.
      const { page } = light;
      await page.goto(launchUrl("light"));
      await heading(page, /^Здравствуйте, Ольга!/).waitFor();
      expect(await answerCard(page).count(), "no answer before there is a review").toBe(0);
      await page.getByRole("button", { name: /Оставить отзыв/ }).click();
      await page.getByRole("radio", { name: "4 из 5" }).check();
      await page.getByLabel("Ваш отзыв").fill("Борщ отличный, а десерт ждали сорок минут.");
      await page.getByRole("button", { name: "Отправить отзыв" }).click();
      await heading(page, /^Спасибо!$/).waitFor();

      // A manager replies in the managers' chat; the guest opens the Mini App again.
      await managerReplies(page, answer);
      await page.goto(launchUrl("light"));
      await heading(page, /^Здравствуйте, Ольга!/).waitFor();
      const card = answerCard(page);
      await card.getByRole("heading", { name: texts.title }).waitFor();
      expect(await card.getByRole("img", { name: "4 из 5" }).count(), "the review's stars").toBe(1);
      expect(await card.locator("time").textContent()).toMatch(/^Ваш отзыв от \d{1,2} [а-я]+ \d{4} г\.$/);
      const text = card.locator(".review-answer-text");
      // The demo chat is an HTML form, which sends line breaks as CRLF; Telegram sends LF.
      expect((await text.textContent())?.replaceAll("\r\n", "\n")).toBe(answer);
      // The first lines only, until the guest asks for the rest.
      const isCut = () => text.evaluate((element) => element.scrollHeight > element.clientHeight + 1);
      expect(await isCut(), "four lines shown of a longer answer").toBe(true);
      await screenshot(page, "light", "review-7-answer-on-home");
      await card.getByRole("button", { name: texts.readInFull }).click();
      expect(await isCut(), "the whole answer").toBe(false);
      await card.getByRole("button", { name: texts.readLess }).waitFor();
      await screenshot(page, "light", "review-8-answer-read-in-full");

      // On another device (the dark-themed phone) the guest marks it read.
      await dark.page.goto(launchUrl("dark"));
      await answerCard(dark.page).getByRole("heading", { name: texts.title }).waitFor();
      await screenshot(dark.page, "dark", "review-7-answer-on-home");
      await answerCard(dark.page).getByRole("button", { name: texts.markRead }).click();
      await answerCard(dark.page).waitFor({ state: "detached" });

      // Gone after a reload, and on the first phone too: /api/me says there is nothing to show.
      for (const [each, theme] of [
        [dark.page, "dark"],
        [page, "light"],
      ] as const) {
        await each.reload();
        await heading(each, /^Здравствуйте, Ольга!/).waitFor();
        expect(await answerCard(each).count(), `${theme}: read, so not shown`).toBe(0);
      }
      expect((await api<MeResponse>("/api/me", initData)).reviewAnswerUnread).toBe(false);

      // The manager writes again: the new answer shows, the read one does not.
      await managerReplies(page, "Ждём вас в субботу!");
      await page.goto(launchUrl("light"));
      await answerCard(page).getByRole("heading", { name: texts.title }).waitFor();
      expect(await answerCard(page).locator(".review-answer-text").textContent()).toBe("Ждём вас в субботу!");
      expect(
        await answerCard(page).getByRole("button", { name: texts.readInFull }).count(),
        "a short answer is whole already",
      ).toBe(0);
      expect([...light.problems, ...dark.problems]).toEqual([]);
    } catch (error) {
      mkdirSync(join(screenshotDir, "failures"), { recursive: true });
      for (const [each, name] of [
        [light.page, "light"],
        [dark.page, "dark"],
      ] as const) {
        await each
          .screenshot({ path: join(screenshotDir, "failures", `review-answer-${name}-${Date.now()}.png`) })
          .catch(() => undefined);
      }
      throw error;
    } finally {
      await light.context.close();
      await dark.context.close();
    }
  }, 120_000);

  it("says so in the guest's words when the hourly limit is reached, and keeps the draft (dark theme)", async () => {
    const theme: ThemeName = "dark";
    const sam: LaunchUser = {
      id: 920_002,
      firstName: "Sam",
      lastName: "Tester",
      username: "e2e_sam",
      languageCode: "en",
    };
    const initData = await registeredGuest(sam, "+79990092002");
    for (let index = 1; index <= 5; index++)
      await api("/api/reviews", initData, { text: `Earlier review ${index}` });
    const { context, page, problems } = await openPhone(theme);
    try {
      await openReviewScreen(page, initData, theme);
      await page.getByLabel("Your review").fill("One more, too many");
      await page.getByRole("button", { name: "Send review" }).click();
      await page.getByText(/several reviews in the last hour/).waitFor();
      expect(await page.getByLabel("Your review").inputValue(), "the draft stays").toBe("One more, too many");
      await screenshot(page, theme, "review-6-too-many");
      expect((await api<GuestReviewsResponse>("/api/reviews", initData)).reviews).toHaveLength(5);
      expect(problems.filter((problem) => !problem.includes("429"))).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
