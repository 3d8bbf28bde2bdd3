/*
 * Field errors by code. A shared schema says what is wrong with a field as a stable code and its
 * parameters; the API sends both in `error.fieldErrors` (beside the English sentences of
 * `error.fields`, field-error-messages.ts, for logs and integrators), and each web area translates
 * the code from its own catalogue. No zod here: the web's first screen may import this file.
 */

export const fieldErrorCodes = [
  "required",
  "too_long",
  "too_short",
  "wrong_type",
  "not_one_of",
  "invalid",
  "control_characters",
  "invalid_characters",
  "not_an_email",
  "not_a_date",
  "in_the_future",
  "before_1900",
  "consent_required",
  "not_a_phone",
  "out_of_range",
  "lifetime_out_of_range",
  "bad_short_name",
  "bad_source_code",
  "already_used",
  "column_missing",
  "column_repeated",
  "too_many_records",
] as const;
export type FieldErrorCode = (typeof fieldErrorCodes)[number];

/** What a code needs to become a sentence: `{ max: 100 }` for `too_long`, `{ min: 30, max: 86400 }` … */
export type ErrorParams = Readonly<Record<string, string | number>>;

export interface FieldError {
  readonly code: FieldErrorCode;
  readonly params?: ErrorParams;
}

/** `{ field: FieldError }`, keyed like `error.fields` (nested paths joined with dots). */
export type FieldErrors = Readonly<Record<string, FieldError>>;

export function isFieldErrorCode(value: string): value is FieldErrorCode {
  return (fieldErrorCodes as readonly string[]).includes(value);
}

/**
 * The message to give a zod check so that its issue carries a field error: the code, then its
 * parameters as JSON (`lifetime_out_of_range {"min":30,"max":86400}`). zod keeps only a message for
 * type errors, so the message is the one carrier that works for every kind of issue;
 * `issuesToFields` reads it back.
 */
export function fieldRule(code: FieldErrorCode, params?: ErrorParams): string {
  return params ? `${code} ${JSON.stringify(params)}` : code;
}

/** The parts of a zod issue (classic or mini) that name a field error. */
export interface ValidationIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly origin?: unknown;
  readonly minimum?: unknown;
  readonly maximum?: unknown;
  readonly values?: unknown;
  readonly expected?: unknown;
}

/** A message written by `fieldRule`, read back; undefined for zod's own English messages. */
function readRule(message: string): FieldError | undefined {
  const space = message.indexOf(" ");
  const code = space === -1 ? message : message.slice(0, space);
  if (!isFieldErrorCode(code)) return undefined;
  if (space === -1) return { code };
  try {
    return { code, params: JSON.parse(message.slice(space + 1)) as ErrorParams };
  } catch {
    return undefined;
  }
}

/** An issue zod raised with its own message (a schema without a rule of ours), as the nearest code. */
function codeOfIssue(issue: ValidationIssue): FieldErrorCode {
  switch (issue.code) {
    case "invalid_type":
      return "wrong_type";
    case "invalid_value":
      return "not_one_of";
    case "too_big":
      return issue.origin === "string" || issue.origin === "array" ? "too_long" : "out_of_range";
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) === 1) return "required";
      return issue.origin === "string" || issue.origin === "array" ? "too_short" : "out_of_range";
    default:
      return "invalid";
  }
}

/** Parameters the issue itself knows (a length limit, the allowed values), for the codes that use them. */
function paramsOfIssue(issue: ValidationIssue, code: FieldErrorCode): ErrorParams | undefined {
  switch (code) {
    case "too_long":
      return issue.maximum === undefined ? undefined : { max: Number(issue.maximum) };
    case "too_short":
      return issue.minimum === undefined ? undefined : { min: Number(issue.minimum) };
    case "out_of_range": {
      const bounds: Record<string, number> = {};
      if (issue.minimum !== undefined) bounds.min = Number(issue.minimum);
      if (issue.maximum !== undefined) bounds.max = Number(issue.maximum);
      return bounds;
    }
    case "not_one_of":
      return Array.isArray(issue.values) ? { options: issue.values.map(String).join(", ") } : undefined;
    case "wrong_type":
      return typeof issue.expected === "string" ? { expected: issue.expected } : undefined;
    default:
      return undefined;
  }
}

function fieldErrorOf(issue: ValidationIssue): FieldError {
  const rule = readRule(issue.message);
  const code = rule?.code ?? codeOfIssue(issue);
  const params = { ...paramsOfIssue(issue, code), ...rule?.params };
  return Object.keys(params).length > 0 ? { code, params } : { code };
}

/**
 * Validation issues as `{ field: FieldError }`, the shape of `error.fieldErrors`. Nested paths are
 * joined with dots (`consents.personalData`); the first issue per field wins.
 */
export function issuesToFields(issues: readonly ValidationIssue[]): Record<string, FieldError> {
  const fields: Record<string, FieldError> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "body";
    fields[key] ??= fieldErrorOf(issue);
  }
  return fields;
}
