/** The languages the guest-facing texts exist in. */
export const languages = ["ru", "en"] as const;
export type Language = (typeof languages)[number];

/**
 * Russian for Russian-speaking Telegram users, English for everyone else.
 * Telegram sends an IETF tag ("ru", "en", "pt-br"); only the primary subtag matters here.
 * The web and the API both call this, so the consent text a guest saw and the language
 * recorded with their consent always agree.
 */
export function pickLanguage(languageCode: string | null | undefined): Language {
  return languageCode?.toLowerCase().split("-")[0] === "ru" ? "ru" : "en";
}
