import type { ZodObject, ZodType } from "zod";
import type { $ZodObject, $ZodType, input, output } from "zod/v4/core";

/**
 * The thin adapter between the shared zod/mini schemas and @hono/zod-openapi, which types every
 * schema as classic zod (docs/decisions/010-routes-from-shared-schemas.md):
 * - at run time nothing changes: its validators only call `safeParseAsync`, which zod/mini has;
 * - for the compiler, the schema is presented as the classic type with the same input and output, so
 *   handlers, `c.req.valid()` and the web's `hc<AppType>` client get the shared types;
 * - the OpenAPI document is not left to @hono/zod-openapi's converter (it calls classic-only methods
 *   and fails on zod/mini): openapi-document.ts converts every schema with zod's own toJSONSchema.
 */
export function routeSchema<S extends $ZodType>(schema: S): ZodType<output<S>, input<S>> {
  return schema as unknown as ZodType<output<S>, input<S>>;
}

/**
 * The same for the object schema of a query string or of path parameters, which @hono/zod-openapi
 * wants as a classic `ZodObject`: the shape (of zod/mini or classic schemas alike) carries over.
 */
export function routeParameters<S extends $ZodObject>(
  schema: S,
): S extends $ZodObject<infer Shape, infer Config> ? ZodObject<Shape, Config> : never {
  return schema as never;
}

/** A required JSON request body validated by `schema`. */
export function jsonRequestBody<S extends $ZodType>(schema: S, description?: string) {
  return {
    required: true,
    ...(description ? { description } : {}),
    content: { "application/json": { schema: routeSchema(schema) } },
  } as const;
}

/** A JSON response whose body `schema` describes (tests check real answers against it). */
export function jsonResponse<S extends $ZodType>(description: string, schema: S) {
  return { description, content: { "application/json": { schema: routeSchema(schema) } } } as const;
}
