import * as z from "zod/mini";
import { fieldRule } from "./field-errors";

/*
 * One rule for every free-text field a person types: names (registration, sources, the restaurant)
 * and texts (reviews, replies). PostgreSQL cannot store a NUL or a lone UTF-16 surrogate (a 500 with
 * errors 22021/22P05 before this rule), and a name is shown where a hidden character does harm: a
 * line break fakes a line under the guest's link in the managers' chat, U+202E turns that link's text
 * around, and U+200B makes an empty name look filled in. Texts are normalised to NFC, so "é" typed
 * as one character or as e + accent is the same name.
 */

/** A UTF-16 surrogate standing alone: not a character at all (JSON can carry one as "\ud800"). */
const loneSurrogate = /\p{Cs}/u;
/** Names are one line of visible text: no control (Cc), format (Cf: zero-width, bidi) or line/paragraph separators. */
const notInNames = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** Texts keep their line breaks and tabs; every other control character goes. */
const notInTexts = /(?![\t\n\r])\p{Cc}/u;

const wellFormed = z.refine<string>((value) => !loneSurrogate.test(value), {
  message: fieldRule("invalid_characters"),
  abort: true,
});

/** Trimmed, NFC, within its length, and none of the characters above. */
function freeText(forbidden: RegExp, options: { required: boolean; maxLength: number }) {
  return z
    .string(options.required ? fieldRule("required") : fieldRule("wrong_type", { expected: "string" }))
    .check(
      wellFormed,
      z.normalize("NFC"),
      z.trim(),
      ...(options.required ? [z.minLength(1, fieldRule("required"))] : []),
      z.maxLength(options.maxLength, fieldRule("too_long")),
      z.refine((value) => !forbidden.test(value), fieldRule("control_characters")),
    );
}

/** A person's or a place's name: one line of visible characters. */
export function nameText(options: { required: boolean; maxLength: number }) {
  return freeText(notInNames, options);
}

/** A text of several lines (a review, a reply): line breaks and tabs allowed, other control characters not. */
export function multiLineText(options: { required: boolean; maxLength: number }) {
  return freeText(notInTexts, options);
}

/**
 * For text that arrives where nobody can be asked to fix it (a reply through Telegram): the
 * characters the rule refuses become U+FFFD, and the rest is normalised like a checked text.
 */
export function cleanMultiLineText(value: string): string {
  return value
    .replace(/\p{Cs}/gu, "\uFFFD")
    .replace(/(?![\t\n\r])\p{Cc}/gu, "\uFFFD")
    .normalize("NFC");
}
