import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type LaunchOptions, type Page } from "@playwright/test";

/** What every browser test shares: Debian's Chromium, the built Mini App, screenshots, a QR decoder. */

export const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Screenshots are test artifacts (gitignored); the README's come from here. */
export function screenshotFolder(...parts: string[]): string {
  const folder = join(repositoryRoot, "artifacts", "screenshots", ...parts);
  mkdirSync(folder, { recursive: true });
  return folder;
}

/** The tests run against the real build that `pnpm start` serves; `pnpm test` builds it first. */
export function requireWebBuild(): void {
  if (!existsSync(join(repositoryRoot, "web", "dist", "index.html"))) {
    throw new Error("web/dist is missing: run `pnpm --filter @guestcard/web build` first");
  }
}

/**
 * No browser downloads on these machines: Debian's Chromium. Without the background-networking flags
 * it keeps trying to reach Google's hosts, which this closed network refuses.
 */
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export function launchChromium(options: LaunchOptions = {}) {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    ...options,
    args: [...chromiumArgs, ...(options.args ?? [])],
  });
}

/** A QR code's content as an independent decoder (zbarimg, Debian's zbar-tools) reads it from a PNG. */
export function decodeQr(pngFile: string): string {
  return execFileSync("zbarimg", ["-q", "--raw", pngFile], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  }).trim();
}

/**
 * A phone-sized page (390×844, as a guest holds it) in Telegram's light or dark theme. Every script
 * error and console.error on it is collected in `problems`, which the tests expect to stay empty.
 */
export async function openPhonePage(
  browser: Browser,
  theme: "light" | "dark",
  options: { timeoutMs: number },
) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    colorScheme: theme,
    locale: "en-GB",
  });
  // Well under a test's own timeout, so a stuck step fails with its screenshot, not a bare timeout.
  context.setDefaultTimeout(options.timeoutMs);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console.error: ${message.text()}`);
  });
  return { context, page, problems };
}

/**
 * Resolves when the page's running animations and transitions have finished (a screen's entrance, a
 * countdown's tick), so a screenshot shows what a guest sees. Endless ones (a spinner) are left alone.
 */
export async function animationsFinished(page: Page): Promise<void> {
  // A string: the API's tsconfig has no DOM types, and this runs in the page.
  await page.evaluate(`Promise.all(
    document.getAnimations()
      .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
      .map((animation) => animation.finished.catch(() => undefined)),
  ).then(() => undefined)`);
}

/** The page's `window` as the Telegram stand-in sees it (the e2e files are typed for Node, without the DOM). */
export interface TelegramStandInWindow {
  /** Every method the Mini App called on Telegram, with its parameters, in order. */
  hostEvents: [string, Record<string, unknown> | undefined][];
  /** For each `web_app_ready`: the PIN on screen at that moment ("" for none). */
  readyWith: string[];
  Telegram: { WebView: { receiveEvent(name: string, data?: unknown): void } };
  TelegramWebviewProxy: { postEvent(name: string, json?: string): void };
  /** Exposed by a test that shares a phone (`page.exposeFunction`): hands the contact to the bot. */
  sendContactToBot?: () => Promise<void>;
  document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
  innerHeight: number;
  innerWidth: number;
}

/** The phone the person agrees to share when the Mini App asks (`requestContact`). */
export interface StandInContact {
  phone: string;
  userId: number;
}

/**
 * A stand-in for Telegram's mobile app, for `page.addInitScript` before the Mini App loads: it takes
 * the Mini App's method calls through `TelegramWebviewProxy` (as the mobile and desktop apps do),
 * records them in `hostEvents` (and the PIN on screen at each `web_app_ready` in `readyWith`), and
 * answers those the SDK waits for as Telegram does: the theme, the viewport, the safe areas, and a file
 * download the person agreed to (`file_download_requested` with `status: "downloading"`; the test
 * fetches the URL, as Telegram would). Given a contact, the person agrees to share their phone: the
 * contact goes to the bot through the test's `sendContactToBot`, then to the Mini App as Telegram
 * hands it over. Runs in the browser: it must not use anything from this file's scope.
 */
export function telegramClientStandIn(contact?: StandInContact): void {
  const telegram = globalThis as unknown as TelegramStandInWindow;
  telegram.hostEvents = [];
  telegram.readyWith = [];
  let sharedContact = "";
  const answer = (name: string, data?: unknown) =>
    setTimeout(() => telegram.Telegram.WebView.receiveEvent(name, data), 10);
  const noInsets = { top: 0, bottom: 0, left: 0, right: 0 };
  telegram.TelegramWebviewProxy = {
    postEvent(name, json) {
      const data = json ? (JSON.parse(json) as Record<string, unknown>) : undefined;
      telegram.hostEvents.push([name, data]);
      if (name === "web_app_ready") {
        telegram.readyWith.push(
          telegram.document.querySelector("[data-pin]")?.getAttribute("data-pin") ?? "",
        );
      }
      if (name === "web_app_request_theme")
        answer("theme_changed", { theme_params: { bg_color: "#ffffff" } });
      if (name === "web_app_request_viewport") {
        answer("viewport_changed", {
          height: telegram.innerHeight,
          width: telegram.innerWidth,
          is_expanded: true,
          is_state_stable: true,
        });
      }
      if (name === "web_app_request_safe_area") answer("safe_area_changed", noInsets);
      if (name === "web_app_request_content_safe_area") answer("content_safe_area_changed", noInsets);
      if (name === "web_app_request_file_download")
        answer("file_download_requested", { status: "downloading" });
      const call = data as { req_id?: string; method?: string } | undefined;
      if (name === "web_app_invoke_custom_method" && call?.method === "getRequestedContact") {
        answer(
          "custom_method_invoked",
          sharedContact
            ? { req_id: call.req_id, result: sharedContact }
            : { req_id: call.req_id, error: "no contact" },
        );
      }
      if (name === "web_app_request_phone" && contact && telegram.sendContactToBot) {
        void telegram.sendContactToBot().then(() => {
          sharedContact = new URLSearchParams({
            contact: JSON.stringify({
              user_id: contact.userId,
              phone_number: contact.phone,
              first_name: "Tanya",
            }),
            auth_date: String(Math.floor(Date.now() / 1000)),
            hash: "0".repeat(64),
          }).toString();
          answer("phone_requested", { status: "sent" });
        });
      }
    },
  };
}

/** What the Mini App has asked of the Telegram stand-in so far. */
export function telegramHostEvents(page: Page): Promise<TelegramStandInWindow["hostEvents"]> {
  return page.evaluate(() => (globalThis as unknown as TelegramStandInWindow).hostEvents);
}

/** Telegram's own event to the Mini App: a press of its BackButton or MainButton, say. */
export function telegramEvent(page: Page, name: string, data?: unknown): Promise<void> {
  return page.evaluate(
    ([event, payload]) =>
      (globalThis as unknown as TelegramStandInWindow).Telegram.WebView.receiveEvent(event, payload),
    [name, data] as const,
  );
}
