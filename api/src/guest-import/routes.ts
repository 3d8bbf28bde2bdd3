import {
  guestImportHeaders,
  guestImportPreviewSchema,
  guestImportResponseSchema,
  guestImportTemplateQuerySchema,
  type Language,
  pickLanguage,
} from "@guestcard/shared";
import type { Database } from "../db/client";
import { csvBodyRules, readBody } from "../http/request-body";
import { type GuestEnv, openApiRoutes, type RouteGroup } from "../http/route-groups";
import { jsonResponse, routeParameters } from "../http/route-schema";
import type { Logger } from "../logger";
import { importGuests, previewGuestImport } from "./guest-import";

const csvBody = {
  required: true,
  content: {
    "text/csv": {
      schema: {
        type: "string",
        description:
          "The guest base, up to 20 MB and 200,000 records: UTF-8 (with or without BOM), UTF-16 with BOM or Windows-1251, whatever the `charset`; `,`, `;` or tab between fields",
      },
    },
  },
} as const;

const formats =
  "A header row names the columns, in English (`phone,last_name,first_name,middle_name,gender,birthday,email`) or Russian (`Телефон;Фамилия;Имя;Отчество;Пол;Дата рождения;Email`), in any order and case; `phone` is required, unknown columns are ignored. The encoding (UTF-8, UTF-16 with BOM, Windows-1251) and the delimiter (`,` `;` tab) are detected; dates `DD.MM.YYYY` or `YYYY-MM-DD`; gender `м/ж/m/f/male/female`. `line` is the physical line where a record starts (the header is line 1); `errors` lists the first 1,000 bad lines, `errorCount` all of them.";

/**
 * `POST /api/manager/accounts/import`, its preview and its template (docs/api.md, "Importing a guest
 * base"), mounted in the manager group (managers/routes.ts).
 */
export function guestImportRoutes(group: RouteGroup<GuestEnv>, deps: { db: Database; logger: Logger }) {
  const importCsv = group.route({
    method: "post",
    path: "/import",
    summary: "Import an existing guest base from CSV",
    description: `${formats} A phone that already has an account is skipped; a bad line is reported and the rest imported. The run is recorded and written in batches; one cut off by a crash is finished after the restart.`,
    request: { body: csvBody },
    responses: { 200: jsonResponse("What was imported, skipped and refused", guestImportResponseSchema) },
    errors: ["payload_too_large", "unsupported_media_type", "validation_failed", "unavailable"],
  });
  const preview = group.route({
    method: "post",
    path: "/import/preview",
    summary: "What importing this CSV would do, with nothing written",
    description: `${formats} Answers the column mapping, the first 10 good records as they would be stored, and how many would be created, skipped and refused.`,
    request: { body: csvBody },
    responses: { 200: jsonResponse("What the import would do", guestImportPreviewSchema) },
    errors: ["payload_too_large", "unsupported_media_type", "validation_failed"],
  });
  const template = group.route({
    method: "get",
    path: "/import/template",
    summary: "An empty guest base to fill in: the header row",
    description:
      "A CSV with the header row only, in Russian (`;`, as a Russian Excel opens it) or English (`,`); UTF-8 with BOM. Without `language`, the manager's Telegram language.",
    request: { query: routeParameters(guestImportTemplateQuerySchema) },
    responses: {
      200: { description: "The template", content: { "text/csv": { schema: { type: "string" } } } },
    },
  });
  return openApiRoutes<GuestEnv>()
    .openapi(importCsv, async (c) => {
      const body = await readBody(c.req.raw, csvBodyRules);
      const startedAt = performance.now();
      const by = c.get("launch").user.id;
      const result = await importGuests(deps.db, body, { startedBy: by, logger: deps.logger });
      // Counts only: the file is personal data and stays out of the log.
      deps.logger.info(
        {
          created: result.created,
          skipped: result.skipped,
          errors: result.errorCount,
          bytes: body.byteLength,
          ms: Math.round(performance.now() - startedAt),
          by,
        },
        "guest base imported",
      );
      return c.json(result, 200);
    })
    .openapi(preview, async (c) => {
      const body = await readBody(c.req.raw, csvBodyRules);
      return c.json(await previewGuestImport(deps.db, body), 200);
    })
    .openapi(template, (c) => {
      const language: Language =
        c.req.valid("query").language ?? pickLanguage(c.get("launch").user.languageCode);
      return c.body(templateCsv(language), 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="guestcard-guests-${language}.csv"`,
      });
    });
}

/** The header row, with a BOM so that Excel reads the Cyrillic as UTF-8, and `;` where Excel expects it. */
export function templateCsv(language: Language): string {
  const delimiter = language === "ru" ? ";" : ",";
  return `\uFEFF${Object.values(guestImportHeaders[language]).join(delimiter)}\r\n`;
}
