import { type FieldErrorKey, fieldErrors, type Language, pickLanguage } from "@guestcard/shared";
import { createContext, useContext } from "react";
import { type Catalogue, en } from "./en";
import { ru } from "./ru";

export type { Catalogue };

const catalogues: Record<Language, Catalogue> = { en, ru };

export function catalogueFor(languageCode: string | null | undefined): Catalogue {
  return catalogues[pickLanguage(languageCode)];
}

export const I18nContext = createContext<Catalogue>(en);

/** The texts in the guest's language. */
export function useTexts(): Catalogue {
  return useContext(I18nContext);
}

const fieldErrorKeyByMessage = new Map(
  Object.entries(fieldErrors).map(([key, message]) => [message as string, key as FieldErrorKey]),
);

/**
 * Field errors arrive as the shared schema's English messages, from the local check or from the
 * API alike; this shows them in the guest's language, or as sent when we have no translation.
 */
export function translateFieldError(texts: Catalogue, message: string): string {
  const key = fieldErrorKeyByMessage.get(message);
  return key ? texts.fieldErrors[key] : message;
}

export function formatDate(texts: Catalogue, value: string | Date): string {
  const date = typeof value === "string" ? new Date(value.length === 10 ? `${value}T00:00:00` : value) : value;
  return date.toLocaleDateString(texts.locale, { day: "numeric", month: "long", year: "numeric" });
}

/** "+79095339392" → "+7 909 533-93-92": easier to check at a glance; other countries stay as they are. */
export function formatPhone(phone: string): string {
  const match = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone);
  return match ? `+7 ${match[1]} ${match[2]}-${match[3]}-${match[4]}` : phone;
}
