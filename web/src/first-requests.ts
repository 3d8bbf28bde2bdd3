import { type Language, pickLanguage } from "@guestcard/shared";

/**
 * What the first screen waits for, asked for by the entry chunk — a few hundred bytes that arrive
 * and run while the app's own code (React, the Telegram SDK, the screens: about 80 kB) is still on
 * its way. On a phone at the till (150 ms round trips, a slow CPU) `/api/me` and the text catalogue
 * used to start only after that code had arrived and run; now they are back by then.
 *
 * Imports nothing heavy: no React, no SDK, no zod.
 */
export interface FirstRequests {
  /** The raw initData found in the launch URL, exactly as it was sent with `me`. */
  rawInitData: string | null;
  /** `GET /api/me`, already on its way; a network failure rejects as `fetch` does. */
  me: Promise<Response> | null;
}

// Importing a chunk here fetches and evaluates it once; the app's own import of the same module
// later gets it from the module map. Keyed by Language, so a new language cannot be forgotten here.
const catalogueChunks: Record<Language, () => Promise<unknown>> = {
  en: () => import("./i18n/en"),
  ru: () => import("./i18n/ru"),
};

/** The Telegram user in raw initData: enough to pick the texts. */
function launchingUser(rawInitData: string): { language_code?: unknown } {
  try {
    return JSON.parse(new URLSearchParams(rawInitData).get("user") ?? "{}") ?? {};
  } catch {
    return {};
  }
}

export function startFirstRequests(): FirstRequests {
  const none: FirstRequests = { rawInitData: null, me: null };
  if (window.location.pathname.startsWith("/cashier")) {
    void catalogueChunks[pickLanguage(navigator.language)]().catch(() => undefined);
    return none;
  }
  // Telegram passes the launch parameters in the fragment. Anything less usual (a reload that
  // restores them from session storage) is left to the SDK, and the app asks for /api/me itself.
  const rawInitData = new URLSearchParams(window.location.hash.slice(1)).get("tgWebAppData");
  if (!rawInitData) return none;
  const me = fetch(`${window.location.origin}/api/me`, { headers: { authorization: `tma ${rawInitData}` } });
  me.catch(() => undefined); // the app handles the failure; this only keeps the console quiet meanwhile
  const user = launchingUser(rawInitData);
  void catalogueChunks[
    pickLanguage(typeof user.language_code === "string" ? user.language_code : null)
  ]().catch(() => undefined);
  return { rawInitData, me };
}
