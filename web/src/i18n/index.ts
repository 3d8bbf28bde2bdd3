import { type Language, pickLanguage } from "@guestcard/shared";
import { createContext, useContext } from "react";
import type { Catalogue } from "./en";

export type { ErrorText, FieldErrorTexts } from "./error-texts";
export { errorText, fieldErrorText, fieldErrorTexts } from "./error-texts";
export type { Catalogue };

// One catalogue per language, each its own chunk: a guest downloads only the language they read.
const loaders: Record<Language, () => Promise<Catalogue>> = {
  en: () => import("./en").then((module) => module.en),
  ru: () => import("./ru").then((module) => module.ru),
};

export function loadCatalogue(languageCode: string | null | undefined): Promise<Catalogue> {
  const language = pickLanguage(languageCode);
  // Screen readers, hyphenation and the browser's own controls follow <html lang>, not our catalogue.
  document.documentElement.lang = language;
  const load = loaders[language];
  // One retry: a chunk request lost on a flaky mobile connection should not cost the whole start.
  return load().catch(load);
}

export const I18nContext = createContext<Catalogue | null>(null);

/** The texts in the guest's language. */
export function useTexts(): Catalogue {
  const texts = useContext(I18nContext);
  if (!texts) throw new Error("useTexts outside I18nContext");
  return texts;
}

export function formatDate(texts: Catalogue, value: string | Date): string {
  // A bare date (a birthday) is a calendar day, not an instant: read it in local time, not UTC.
  const date =
    typeof value === "string" ? new Date(value.length === 10 ? `${value}T00:00:00` : value) : value;
  return date.toLocaleDateString(texts.locale, { day: "numeric", month: "long", year: "numeric" });
}

/** "+79095339392" → "+7 909 533-93-92": easier to check at a glance; other countries stay as they are. */
export function formatPhone(phone: string): string {
  const match = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone);
  return match ? `+7 ${match[1]} ${match[2]}-${match[3]}-${match[4]}` : phone;
}
