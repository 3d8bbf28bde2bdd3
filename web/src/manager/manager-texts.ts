import { defaultSourceCode, type ErrorCode, type GuestImportLineError } from "@guestcard/shared";
import type { ApiFailure } from "../api";
import { errorText, fieldErrorText, useTexts } from "../i18n";
import { type ManagerTexts, managerCatalogues } from "./manager-catalogue";

export type { ManagerTexts };

/** The manager texts in the language the rest of the app speaks (the one `loadCatalogue` picked). */
export function useManagerTexts(): ManagerTexts {
  return managerCatalogues[useTexts().language];
}

/**
 * A failed request, said to a manager: by its field errors when it has them (a CSV without a phone
 * column), else by its code. Never the server's English `message`.
 */
export function failureText(texts: ManagerTexts, failure: ApiFailure): string {
  if (failure.isNetwork) return texts.failed;
  const fieldErrors = Object.values(failure.fieldErrors);
  if (fieldErrors.length > 0) {
    return fieldErrors.map((error) => fieldErrorText(texts.fieldErrors, error)).join("; ");
  }
  const text = texts.failures[failure.code as ErrorCode] ?? texts.failures.unexpected;
  return errorText(text, failure.params);
}

/** One line of the import's report, in the manager's language: each bad column, or what broke the line. */
export function importLineErrorText(texts: ManagerTexts, error: GuestImportLineError): string {
  if (error.code === "invalid_fields") {
    return Object.entries(error.fieldErrors ?? {})
      .map(
        ([column, fieldError]) =>
          `${texts.columnNames[column] ?? column}: ${fieldErrorText(texts.fieldErrors, fieldError)}`,
      )
      .join("; ");
  }
  return errorText(texts.importLineErrors[error.code], error.params);
}

/** The default source keeps the name the migration gave it until a manager renames it; show it in their language. */
export function sourceDisplayName(texts: ManagerTexts, source: { code: string; name: string }): string {
  return source.code === defaultSourceCode && source.name === defaultSourceMigrationName
    ? texts.defaultSource
    : source.name;
}

const defaultSourceMigrationName = "Direct link";
