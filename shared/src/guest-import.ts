import * as z from "zod/mini";
import { errorParamsSchema, fieldErrorSchema } from "./errors";
import { fieldRule } from "./field-errors";
import type { Language } from "./language";
import { registrationRequestSchema } from "./registration";

/** docs/api.md: the guest-base CSV may be up to 20 MB. */
export const guestImportMaxBytes = 20 * 1024 * 1024;

/** The columns a guest-base CSV may name; `phone` is required, the others optional, unknown ones ignored. */
export const guestImportColumns = [
  "phone",
  "last_name",
  "first_name",
  "middle_name",
  "gender",
  "birthday",
  "email",
] as const;
export type GuestImportColumn = (typeof guestImportColumns)[number];

/** docs/api.md: at most this many records per file; a longer one is refused whole (422) before anything is written. */
export const guestImportMaxRecords = 200_000;

/** docs/api.md: the answers list the first 1,000 bad lines; `errorCount` counts them all. */
export const guestImportMaxErrors = 1000;

/** Rows the preview shows as they will be read. */
export const guestImportPreviewRows = 10;

/**
 * What each column is called in the template, per language, and in a Russian spreadsheet export
 * (`Телефон;Фамилия;Имя;Отчество;Пол;Дата рождения;Email`). The reader takes either, and the
 * aliases below, in any case and spacing.
 */
export const guestImportHeaders: Record<Language, Record<GuestImportColumn, string>> = {
  en: {
    phone: "phone",
    last_name: "last_name",
    first_name: "first_name",
    middle_name: "middle_name",
    gender: "gender",
    birthday: "birthday",
    email: "email",
  },
  ru: {
    phone: "Телефон",
    last_name: "Фамилия",
    first_name: "Имя",
    middle_name: "Отчество",
    gender: "Пол",
    birthday: "Дата рождения",
    email: "Email",
  },
};

/** More names people give the columns; compared after `headerKey` (case, spaces, `_`, `-`, `.` and `ё` ignored). */
const headerAliases: Record<GuestImportColumn, readonly string[]> = {
  phone: [
    "phone",
    "phone number",
    "telephone",
    "tel",
    "mobile",
    "телефон",
    "тел",
    "номер телефона",
    "мобильный",
    "мобильный телефон",
    "сотовый",
  ],
  last_name: ["last_name", "last name", "surname", "family name", "фамилия"],
  first_name: ["first_name", "first name", "given name", "name", "имя"],
  middle_name: ["middle_name", "middle name", "patronymic", "отчество"],
  gender: ["gender", "sex", "пол"],
  birthday: [
    "birthday",
    "birth date",
    "date of birth",
    "birthdate",
    "dob",
    "дата рождения",
    "день рождения",
    "др",
  ],
  email: ["email", "e-mail", "mail", "почта", "эл почта", "электронная почта", "адрес электронной почты"],
};

/** A header cell reduced to its letters and digits, lower case, `ё` as `е`: `" Дата  рождения "` → `датарождения`. */
export function headerKey(name: string): string {
  return name
    .normalize("NFC")
    .toLowerCase()
    .replaceAll("ё", "е")
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

const columnsByKey = new Map<string, GuestImportColumn>(
  guestImportColumns.flatMap((column) =>
    [...headerAliases[column], ...Object.values(guestImportHeaders).map((names) => names[column])].map(
      (alias) => [headerKey(alias), column] as const,
    ),
  ),
);

/** The column a header cell names, or undefined for one the import ignores. */
export function guestImportColumnOf(header: string): GuestImportColumn | undefined {
  return columnsByKey.get(headerKey(header));
}

const form = registrationRequestSchema.shape;

/**
 * One CSV record's optional fields, checked with the same rules as the registration form, so an
 * imported guest could have typed the same values themselves. Empty cells mean "not given".
 */
export const guestImportRowSchema = z.object({
  last_name: form.middleName,
  first_name: form.middleName,
  middle_name: form.middleName,
  gender: z.optional(z.nullable(z.enum(["male", "female"], fieldRule("not_one_of")))),
  birthday: form.birthday,
  email: form.email,
});
export type GuestImportRow = z.infer<typeof guestImportRowSchema>;

/**
 * Why a line of the file was not imported, for the manager's screen to say in their language:
 * `invalid_fields` (see the line's `fieldErrors`, keyed by column), `wrong_field_count`
 * (`params.fields`, `params.expected`), `unclosed_quote` and `not_csv` (this line and the rest of
 * the file were not read).
 */
export const guestImportLineErrorCodes = [
  "invalid_fields",
  "wrong_field_count",
  "unclosed_quote",
  "not_csv",
] as const;
export type GuestImportLineErrorCode = (typeof guestImportLineErrorCodes)[number];

/** One bad line: docs/api.md's `{ line, message }` (English), with the code and parameters people read. */
export const guestImportLineErrorSchema = z.object({
  line: z.number(),
  message: z.string(),
  code: z.enum(guestImportLineErrorCodes),
  params: z.optional(errorParamsSchema),
  fieldErrors: z.optional(z.record(z.string(), fieldErrorSchema)),
});
export type GuestImportLineError = z.infer<typeof guestImportLineErrorSchema>;

/**
 * `POST /api/manager/accounts/import` → 200 (docs/api.md; its schema in /api/openapi.json).
 * `errors` holds the first 1,000 bad lines; `errorCount` (beside the contract's fields) counts them all.
 */
export const guestImportResponseSchema = z.object({
  created: z.number(),
  skipped: z.number(),
  errors: z.array(guestImportLineErrorSchema),
  errorCount: z.number(),
});
export type GuestImportResponse = z.infer<typeof guestImportResponseSchema>;

/** How the file's bytes were read. */
export const guestImportEncodings = ["utf-8", "utf-16le", "windows-1251"] as const;
export type GuestImportEncoding = (typeof guestImportEncodings)[number];

/** One record as the import will read it: the normalised phone and the cells it keeps. */
export const guestImportPreviewRowSchema = z.object({
  line: z.number(),
  phone: z.string(),
  last_name: z.string(),
  first_name: z.string(),
  middle_name: z.nullable(z.string()),
  gender: z.nullable(z.enum(["male", "female"])),
  birthday: z.nullable(z.string()),
  email: z.nullable(z.string()),
});
export type GuestImportPreviewRow = z.infer<typeof guestImportPreviewRowSchema>;

/**
 * `POST /api/manager/accounts/import/preview` → 200: what the import of the same body would do, with
 * nothing written. `columns` maps each header cell to the field it fills (`null`: ignored); `rows`
 * are the first good records as they will be stored; `create` + `skip` + `errorCount` cover every record.
 */
export const guestImportPreviewSchema = z.object({
  encoding: z.enum(guestImportEncodings),
  delimiter: z.enum([",", ";", "\t"]),
  columns: z.array(z.object({ header: z.string(), column: z.nullable(z.enum(guestImportColumns)) })),
  records: z.number(),
  rows: z.array(guestImportPreviewRowSchema),
  create: z.number(),
  skip: z.number(),
  errors: z.array(guestImportLineErrorSchema),
  errorCount: z.number(),
});
export type GuestImportPreview = z.infer<typeof guestImportPreviewSchema>;

/** `GET /api/manager/accounts/import/template?language=ru|en`: the header row in that language. */
export const guestImportTemplateQuerySchema = z.object({
  language: z.optional(z.enum(["ru", "en"])),
});
