import * as z from "zod/mini";
import { fieldRule } from "./field-errors";
import { accountSchema, genders } from "./me";
import { earliestBirthday, nameMaxLength } from "./registration-rules";
import { nameText } from "./text-rules";

/**
 * Names land in the managers' chat under the guest's link and on the till's screen: the shared
 * text rule (text-rules.ts) refuses line breaks, control, zero-width and bidi characters in them.
 */
const requiredName = nameText({ required: true, maxLength: nameMaxLength });
const optionalName = nameText({ required: false, maxLength: nameMaxLength });

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
    message: fieldRule("not_a_date"),
    abort: true,
  }),
  z.refine((value) => notGiven(value) || value >= earliestBirthday, fieldRule("before_1900")),
  z.refine((value) => notGiven(value) || value <= latestBirthday(new Date()), fieldRule("in_the_future")),
);

const email = z.string().check(
  z.trim(),
  z.maxLength(254, fieldRule("too_long")),
  z.refine((value) => notGiven(value) || z.regexes.email.test(value), fieldRule("not_an_email")),
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
  gender: z.optional(z.nullable(z.enum(genders, fieldRule("not_one_of")))),
  birthday: z.optional(z.nullable(birthday)),
  email: z.optional(z.nullable(email)),
  consents: z.object(
    {
      personalData: z.literal(true, fieldRule("consent_required")),
      marketing: z.optional(z.boolean()),
    },
    fieldRule("consent_required"),
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
