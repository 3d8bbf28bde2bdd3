import * as z from "zod/mini";
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
  gender: z.optional(z.nullable(z.enum(["male", "female"], "male or female"))),
  birthday: form.birthday,
  email: form.email,
});
export type GuestImportRow = z.infer<typeof guestImportRowSchema>;

/** `POST /api/manager/accounts/import` → 200 (docs/api.md; its schema in /api/openapi.json). */
export const guestImportResponseSchema = z.object({
  created: z.number(),
  skipped: z.number(),
  errors: z.array(z.object({ line: z.number(), message: z.string() })),
});
export type GuestImportResponse = z.infer<typeof guestImportResponseSchema>;
