import { guestImportResponseSchema } from "@guestcard/shared";
import type { Database } from "../db/client";
import { csvBodyRules, readBody } from "../http/request-body";
import { type GuestEnv, openApiRoutes, type RouteGroup } from "../http/route-groups";
import { jsonResponse } from "../http/route-schema";
import type { Logger } from "../logger";
import { importGuests } from "./guest-import";

/** `POST /api/manager/accounts/import` (docs/api.md), mounted in the manager group (managers/routes.ts). */
export function guestImportRoutes(group: RouteGroup<GuestEnv>, deps: { db: Database; logger: Logger }) {
  const importCsv = group.route({
    method: "post",
    path: "/import",
    summary: "Import an existing guest base from CSV",
    description:
      "A header row names columns from `phone,last_name,first_name,middle_name,gender,birthday,email` (`phone` required; unknown columns ignored). A phone that already has an account is skipped; a bad line is reported and the rest imported; `line` is the physical line where the record starts (the header is line 1).",
    request: {
      body: {
        required: true,
        content: { "text/csv": { schema: { type: "string", description: "UTF-8 CSV, up to 20 MB" } } },
      },
    },
    responses: { 200: jsonResponse("What was imported, skipped and refused", guestImportResponseSchema) },
    errors: ["payload_too_large", "unsupported_media_type", "validation_failed"],
  });
  return openApiRoutes<GuestEnv>().openapi(importCsv, async (c) => {
    const bytes = await readBody(c.req.raw, csvBodyRules);
    const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const startedAt = performance.now();
    const result = await importGuests(deps.db, body);
    // Counts only: the file is personal data and stays out of the log.
    deps.logger.info(
      {
        created: result.created,
        skipped: result.skipped,
        errors: result.errors.length,
        bytes: body.byteLength,
        ms: Math.round(performance.now() - startedAt),
        by: c.get("launch").user.id,
      },
      "guest base imported",
    );
    return c.json(result, 200);
  });
}
