import * as z from "zod/mini";
import { errorParamsSchema, fieldErrorSchema } from "./errors";
import { fieldRule } from "./field-errors";
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

/** `POST /api/manager/accounts/import` → 200 (docs/api.md; its schema in /api/openapi.json). */
export const guestImportResponseSchema = z.object({
  created: z.number(),
  skipped: z.number(),
  errors: z.array(guestImportLineErrorSchema),
});
export type GuestImportResponse = z.infer<typeof guestImportResponseSchema>;
