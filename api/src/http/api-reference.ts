import { createReadStream, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";
import type { OpenApiDocument } from "./openapi-document";

/**
 * Scalar's page script, from the installed @scalar/api-reference (its single-file browser build).
 * Served by us: a restaurant's network, and these machines, may not reach a CDN.
 */
const scalarScriptFile = join(
  dirname(createRequire(import.meta.url).resolve("@scalar/api-reference")),
  "browser",
  "standalone.js",
);

/**
 * The published contract, public like any API description: `GET /api/openapi.json` (OpenAPI 3.1,
 * generated from the routes, made on first request) and `GET /api/docs`, a page to read it.
 */
export function apiReferenceRoutes(document: () => OpenApiDocument) {
  let generated: OpenApiDocument | undefined;
  return new Hono()
    .get("/openapi.json", (c) => {
      generated ??= document();
      return c.json(generated, 200);
    })
    .get(
      "/docs",
      Scalar({
        pageTitle: "Guestcard API",
        url: "/api/openapi.json",
        cdn: "/api/docs/scalar.js",
        // Nothing from elsewhere: no web fonts, no telemetry, none of Scalar's hosted services.
        withDefaultFonts: false,
        telemetry: false,
        agent: { disabled: true },
        mcp: { disabled: true },
        showDeveloperTools: "never",
        // Four small groups: all of them open, so a reader scrolls rather than hunts.
        defaultOpenAllTags: true,
      }),
    )
    .get("/docs/scalar.js", (c) => {
      const { size } = statSync(scalarScriptFile);
      return c.body(Readable.toWeb(createReadStream(scalarScriptFile)) as ReadableStream, 200, {
        "content-type": "text/javascript; charset=utf-8",
        "content-length": String(size),
        "cache-control": "public, max-age=86400",
      });
    });
}
