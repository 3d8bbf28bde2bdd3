import {
  backButton,
  emitEvent,
  hapticFeedback,
  init,
  mainButton,
  miniApp,
  mockTelegramEnv,
  postEvent,
  requestContact,
  retrieveLaunchParams,
  retrieveRawInitData,
  swipeBehavior,
  themeParams,
  viewport,
} from "@telegram-apps/sdk-react";

/**
 * Where the Mini App runs:
 * - `telegram`: inside a Telegram client, which draws the MainButton and BackButton itself;
 * - `browser`: an ordinary tab opened with the launch parameters in the URL hash (the /demo
 *   launcher, end-to-end tests). There is no host to talk to, so every host call is swallowed
 *   and the app draws its own main and back buttons.
 */
export type Host = "telegram" | "browser";

export interface Launch {
  host: Host;
  /** The exact initData string Telegram passed: the API checks its signature byte for byte. */
  rawInitData: string;
  /** The Telegram user's IETF language tag, if Telegram sent one. */
  languageCode: string | undefined;
  /** The `startapp` parameter of the link that opened the app (a source code, or `conflict-<id>`). */
  startParam: string | undefined;
}

/**
 * Telegram's mobile and desktop clients inject `TelegramWebviewProxy`; its web clients embed the
 * Mini App in an iframe. Must be checked before `mockTelegramEnv`, which installs a proxy of its own.
 */
function insideTelegramClient(): boolean {
  return "TelegramWebviewProxy" in window || window.self !== window.top;
}

/** A plain tab has no host that answers requests; answer the few the SDK waits for, drop the rest. */
function imitateHostInBrowser(): void {
  const noInsets = { top: 0, bottom: 0, left: 0, right: 0 };
  mockTelegramEnv({
    onEvent([method]) {
      if (method === "web_app_request_viewport") {
        emitEvent("viewport_changed", {
          height: window.innerHeight,
          width: window.innerWidth,
          is_expanded: true,
          is_state_stable: true,
        });
      } else if (method === "web_app_request_safe_area") {
        emitEvent("safe_area_changed", noInsets);
      } else if (method === "web_app_request_content_safe_area") {
        emitEvent("content_safe_area_changed", noInsets);
      }
      // Everything else (ready, haptics, buttons, colours) is deliberately a no-op here.
    },
  });
}

/**
 * Native controls (the date picker, checkboxes, scrollbars) follow the CSS color-scheme, so it must
 * track Telegram's theme rather than the device's. Without theme colours, the device decides.
 */
function followColorScheme(): void {
  const apply = () => {
    if (themeParams.backgroundColor()) {
      document.documentElement.style.colorScheme = themeParams.isDark() ? "dark" : "light";
    }
  };
  apply();
  themeParams.isDark.sub(apply);
}

/**
 * The page's background is Telegram's secondary background (styles.css `--bg`); Telegram paints its
 * header and the area around the page in its primary one unless told otherwise, which shows a seam
 * under the header. Two fire-and-forget events, no `miniApp.mount()` (see startTelegram); clients too
 * old for them ignore them.
 */
function matchHostColours(): void {
  const apply = () => {
    const background = themeParams.secondaryBackgroundColor();
    if (!background) return;
    postEvent("web_app_set_header_color", { color_key: "secondary_bg_color" });
    postEvent("web_app_set_background_color", { color: background });
  };
  apply();
  themeParams.secondaryBackgroundColor.sub(apply);
}

let currentHost: Host = "browser";
/** Whether startTelegram initialised the SDK: outside Telegram (the cashier page) there is nobody to tell. */
let sdkStarted = false;

/** Decided once at start-up; a page never moves between Telegram and a plain tab. */
export function host(): Host {
  return currentHost;
}

/**
 * Initialises the SDK the way the official React template does, before the first render.
 * Returns null when there are no launch parameters at all: the page was opened directly,
 * not from Telegram nor from the demo launcher.
 */
export function startTelegram(): Launch | null {
  let languageCode: string | undefined;
  let startParam: string | undefined;
  try {
    const launchParams = retrieveLaunchParams();
    languageCode = launchParams.tgWebAppData?.user?.language_code;
    // Telegram passes it in the URL and inside the signed initData; either will do.
    startParam = launchParams.tgWebAppStartParam ?? launchParams.tgWebAppData?.start_param;
  } catch {
    return null;
  }
  const rawInitData = retrieveRawInitData();
  if (!rawInitData) return null;

  const host: Host = insideTelegramClient() ? "telegram" : "browser";
  currentHost = host;
  if (host === "browser") imitateHostInBrowser();

  init();
  // No initData.restore(): the app reads the raw string above and nothing from the SDK's parsed copy,
  // and every SDK call before the first screen costs a phone noticeable time (decision 012).
  // Theme first, so the colours are right when Telegram removes its placeholder on ready().
  themeParams.mountSync.ifAvailable();
  themeParams.bindCssVars.ifAvailable();
  followColorScheme();
  if (host === "telegram") matchHostColours();
  // Not miniApp.mountSync(): it re-sends Telegram the header and background colours Telegram already
  // uses, for CSS variables (--tg-mini-app-*) no style of ours reads, and on a slow phone it is one of
  // the costliest calls before the first screen (a profile of the cold open: api/bench/cold-open.ts).
  // ready() and close() work without it.
  // Not ready() yet: Telegram keeps its own loader up until the first real screen can paint
  // (signalReady, from components/telegram-ready.tsx), instead of showing a blank page meanwhile.

  // Telegram draws these two; in a plain tab the app draws its own (hooks/use-main-button.ts).
  if (host === "telegram") {
    mainButton.mount.ifAvailable();
    backButton.mount.ifAvailable();
  }
  if (viewport.mount.isAvailable()) {
    viewport
      .mount()
      .then(() => {
        viewport.bindCssVars.ifAvailable();
        viewport.expand.ifAvailable();
      })
      // An old client that cannot report its viewport still works; CSS falls back to env().
      .catch(() => undefined);
  }
  sdkStarted = true;
  return { host, rawInitData, languageCode, startParam };
}

/** Tells Telegram the first real screen is up, so it removes its loader. Harmless when repeated. */
export function signalReady(): void {
  if (sdkStarted) miniApp.ready.ifAvailable();
}

export const haptic = {
  success: () => hapticFeedback.notificationOccurred.ifAvailable("success"),
  error: () => hapticFeedback.notificationOccurred.ifAvailable("error"),
  tap: () => hapticFeedback.impactOccurred.ifAvailable("light"),
};

export type ContactRequestResult = "shared" | "declined" | "unsupported";

/**
 * Asks Telegram to share the guest's own phone with the bot. The bot receives it as a contact
 * message; the API learns about it from the bot, so callers poll `/api/me` afterwards.
 */
export async function requestPhoneContact(): Promise<ContactRequestResult> {
  // In a plain tab nobody would ever answer; the demo has its own control for this step.
  if (currentHost === "browser" || !requestContact.isAvailable()) return "unsupported";
  try {
    // Without a timeout the SDK would wait for Telegram's answer forever.
    await requestContact({ timeout: 60_000 });
    return "shared";
  } catch {
    return "declined";
  }
}

/**
 * While the card is on screen a downward swipe must not close the app: the guest is holding the phone
 * to a scanner. Returns what gives the swipe back when the card screen goes.
 */
export function holdStillForScanner(): () => void {
  if (!sdkStarted || !swipeBehavior.mount.isAvailable()) return () => undefined;
  swipeBehavior.mount();
  swipeBehavior.disableVertical.ifAvailable();
  return () => swipeBehavior.enableVertical.ifAvailable();
}

export function closeMiniApp(): void {
  miniApp.close.ifAvailable();
}
