import * as z from "zod/mini";
import { accountSchema, genders } from "./me";
import { earliestBirthday, fieldErrorMessages, nameMaxLength } from "./registration-rules";

/**
 * A name lands in the managers' chat under the guest's link: a line break in it could fake a line
 * ("Phone: …") below, so control characters are refused, not just escaped.
 */
const noControlCharacters = z.refine<string>(
  (value: string) => !/\p{Cc}/u.test(value),
  fieldErrorMessages.controlCharacters,
);
const requiredName = z
  .string(fieldErrorMessages.required)
  .check(
    z.trim(),
    z.minLength(1, fieldErrorMessages.required),
    z.maxLength(nameMaxLength, fieldErrorMessages.tooLong),
    noControlCharacters,
  );
const optionalName = z
  .string()
  .check(z.trim(), z.maxLength(nameMaxLength, fieldErrorMessages.tooLong), noControlCharacters);

/** The latest acceptable birthday: one day past today in UTC, so a guest east of UTC can enter their own today. */
function latestBirthday(now: Date): string {
  return new Date(now.getTime() + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/** A real calendar date written YYYY-MM-DD (rejects 2001-02-30, which a pattern alone lets through). */
function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

// An empty string is what an untouched optional form field holds; it means "not given", like null.
const notGiven = (value: string) => value === "";

const birthday = z.string().check(
  z.trim(),
  z.refine((value) => notGiven(value) || isCalendarDate(value), {
    message: fieldErrorMessages.badDate,
    abort: true,
  }),
  z.refine((value) => notGiven(value) || value >= earliestBirthday, fieldErrorMessages.birthdayTooEarly),
  z.refine(
    (value) => notGiven(value) || value <= latestBirthday(new Date()),
    fieldErrorMessages.birthdayInFuture,
  ),
);

const email = z.string().check(
  z.trim(),
  z.maxLength(254, fieldErrorMessages.tooLong),
  z.refine((value) => notGiven(value) || z.regexes.email.test(value), fieldErrorMessages.badEmail),
);

/**
 * `POST /api/registration` body — the API validates with it, and so does the web form, so a
 * guest sees the same field errors before and after a round trip. The phone is not here on
 * purpose: it is always the one the guest shared through Telegram.
 * Optional fields may be omitted, null, or an empty string (an untouched form field): all three
 * mean "not given".
 */
export const registrationRequestSchema = z.object({
  lastName: requiredName,
  firstName: requiredName,
  middleName: z.optional(z.nullable(optionalName)),
  gender: z.optional(z.nullable(z.enum(genders))),
  birthday: z.optional(z.nullable(birthday)),
  email: z.optional(z.nullable(email)),
  consents: z.object(
    {
      personalData: z.literal(true, fieldErrorMessages.consentRequired),
      marketing: z.optional(z.boolean()),
    },
    fieldErrorMessages.consentRequired,
  ),
});
export type RegistrationRequest = z.infer<typeof registrationRequestSchema>;
export type RegistrationInput = z.input<typeof registrationRequestSchema>;

/** Optional text as the database keeps it: trimmed, and null when not given. */
export function textOrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

export const registrationResponseSchema = z.object({ account: accountSchema });
export type RegistrationResponse = z.infer<typeof registrationResponseSchema>;

/**
 * Flattens validation issues into `{ field: message }`, the shape of `error.fields`.
 * Nested paths are joined with dots (`consents.personalData`); the first issue per field wins.
 */
export function issuesToFields(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "body";
    fields[key] ??= issue.message;
  }
  return fields;
}
