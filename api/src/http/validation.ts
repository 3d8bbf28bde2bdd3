import { issuesToFields } from "@guestcard/shared";
import { type $ZodType, type output, safeParse } from "zod/v4/core";
import { ApiError } from "../errors";

/** Classic zod (api) and zod/mini (shared, web) schemas alike. */
type Schema = $ZodType;
type Issues = readonly { path: readonly PropertyKey[]; message: string }[];

export function parseOrThrow<S extends Schema>(schema: S, value: unknown): output<S> {
  const result = safeParse(schema, value);
  if (!result.success) throwValidationFailed(result.error.issues);
  return result.data;
}

/** 422 `validation_failed` with `fields`, from the issues of a failed parse. */
export function throwValidationFailed(issues: Issues): never {
  throw new ApiError("validation_failed", "Some fields are not valid.", issuesToFields(issues));
}

/**
 * What every route's validator does with a failed parse (the body, the query, the path): answers in
 * the error envelope, like everything else, instead of @hono/zod-openapi's default 400 with zod's own
 * error object. Set as `defaultHook` on every OpenAPIHono (see route-groups.ts).
 */
export function validationHook(result: { success: true } | { success: false; error: { issues: Issues } }) {
  if (!result.success) throwValidationFailed(result.error.issues);
}
