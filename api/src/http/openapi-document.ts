import { errorEnvelopeSchema } from "@guestcard/shared";
import { OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import { type $ZodType, toJSONSchema } from "zod/v4/core";

export type OpenApiDocument = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
type JsonSchema = Record<string, unknown>;
type RouteDefinitions = OpenAPIHono["openAPIRegistry"]["definitions"];

/** Where every error response points: the one envelope (docs/api.md, "Errors"). */
export const errorEnvelopeRef = { $ref: "#/components/schemas/ErrorEnvelope" } as const;

const securitySchemes = {
  tma: {
    type: "apiKey",
    in: "header",
    name: "Authorization",
    description:
      "`tma <raw initData>`: the exact string Telegram passed to the Mini App. Its signature and its age are checked.",
  },
  posKey: {
    type: "http",
    scheme: "bearer",
    description:
      "The terminal's secret from `POS_API_KEYS` (`name:secret`): `Authorization: Bearer <secret>`.",
  },
} as const;

const tags = [
  { name: "guest", description: "The Mini App's calls for the guest who opened it (initData)." },
  { name: "pos", description: "A till or the cashier page (the terminal's POS key)." },
  {
    name: "manager",
    description: "The restaurant's managers, from the Mini App (initData + manager rights).",
  },
  { name: "demo", description: "Demo mode only (no `BOT_TOKEN`); 404 `not_found` otherwise." },
];

/**
 * The published contract, generated from the routes' own declarations (never written by hand): the
 * paths, methods and security that route-groups.ts declared, with every zod schema (zod/mini from
 * shared/, or classic) converted by zod's own `toJSONSchema` — @hono/zod-openapi's converter calls
 * classic-only methods and fails on zod/mini (docs/decisions/010-routes-from-shared-schemas.md).
 * Paths are written in full (`/api/pos/identify`), as integrators read them in docs/api.md.
 */
export function createOpenApiDocument(definitions: RouteDefinitions, mountPath = "/api"): OpenApiDocument {
  const document = new OpenAPIHono();
  const registry = document.openAPIRegistry;
  registry.registerComponent("schemas", "ErrorEnvelope", jsonSchemaOf(errorEnvelopeSchema));
  for (const [name, scheme] of Object.entries(securitySchemes)) {
    registry.registerComponent("securitySchemes", name, scheme);
  }
  for (const definition of definitions) {
    if (definition.type === "route") registry.registerPath(withJsonSchemas(definition.route, mountPath));
  }
  return document.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Guestcard API",
      version: "1",
      description:
        "The JSON API of a Guestcard server. What each group is for, authentication, idempotency, errors and the order of checks: docs/api.md in the repository.",
    },
    tags,
  });
}

/**
 * A schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as the client writes it: request bodies and
 * query strings as they may be sent, responses as a client may parse them — without
 * `additionalProperties: false`, since answers may gain fields (docs/api.md).
 */
export function jsonSchemaOf(schema: $ZodType): JsonSchema {
  const { $schema: _dialect, ...jsonSchema } = toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return jsonSchema;
}

function isZodSchema(value: unknown): value is $ZodType {
  return typeof value === "object" && value !== null && "_zod" in value;
}

/** The route with JSON Schemas in place of zod schemas, and its query, path and header schemas as parameters. */
function withJsonSchemas(declared: RouteConfig, mountPath: string): RouteConfig {
  // What runs the route (its middleware, @hono/zod-openapi's helpers) is no part of its description.
  const {
    middleware: _middleware,
    hide: _hide,
    getRoutingPath: _path,
    ...route
  } = declared as RouteConfig & {
    middleware?: unknown;
    hide?: unknown;
    getRoutingPath?: unknown;
  };
  const { query, params, headers, body, ...request } = route.request ?? {};
  const parameters = [
    ...(params ? parametersOf(params, "path") : []),
    ...(query ? parametersOf(query, "query") : []),
    ...(headers ? parametersOf(headers, "header") : []),
  ];
  const documented = {
    ...route,
    path: `${mountPath}${route.path}`,
    request: { ...request, ...(body ? { body: { ...body, content: withJsonContent(body.content) } } : {}) },
    ...(parameters.length > 0 ? { parameters: [...(route.parameters ?? []), ...parameters] } : {}),
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([status, response]) => [
        status,
        "content" in response && response.content
          ? { ...response, content: withJsonContent(response.content) }
          : response,
      ]),
    ),
  };
  // The generator's types span OpenAPI 3.0 to 3.2; what is built here is 3.1 (JSON Schema 2020-12).
  return documented as RouteConfig;
}

type Content = NonNullable<NonNullable<RouteConfig["request"]>["body"]>["content"];

function withJsonContent(content: Content): Content {
  return Object.fromEntries(
    Object.entries(content).map(([mediaType, media]) => [
      mediaType,
      media && "schema" in media && isZodSchema(media.schema)
        ? { ...media, schema: jsonSchemaOf(media.schema) }
        : media,
    ]),
  );
}

function parametersOf(schema: unknown, location: "path" | "query" | "header") {
  if (!isZodSchema(schema)) return [];
  const { properties = {}, required = [] } = jsonSchemaOf(schema) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(properties).map(([name, property]) => ({
    // Headers are validated as HTTP reads them (lower case) and documented as integrators write them.
    name:
      location === "header"
        ? name.replace(/(^|-)([a-z])/g, (_, dash, letter) => dash + letter.toUpperCase())
        : name,
    in: location,
    required: location === "path" || required.includes(name),
    schema: property,
    ...(typeof property.description === "string" ? { description: property.description } : {}),
  }));
}
