import {
  createSourceRequestSchema,
  type SourceListResponse,
  type SourceResponse,
  type StatsResponse,
  sourceLinks,
  sourceListResponseSchema,
  sourceResponseSchema,
  statsQuerySchema,
  statsResponseSchema,
  updateSourceRequestSchema,
} from "@guestcard/shared";
import * as z from "zod/mini";
import type { Database } from "../db/client";
import { ApiError } from "../errors";
import { type GuestEnv, openApiRoutes, type RouteGroup } from "../http/route-groups";
import { jsonRequestBody, jsonResponse, routeParameters, routeSchema } from "../http/route-schema";
import type { BotIdentity } from "../managers/bot-identity";
import { readSettings, type SettingsDefaults } from "../settings/settings";
import { funnelCsv, funnelStats } from "./funnel";
import { createSource, type LinkTarget, listSources, toSourceDto, updateSource } from "./sources";

interface SourceRouteDeps {
  db: Database;
  settingsDefaults: SettingsDefaults;
  botIdentity: BotIdentity;
}

/** Path parameter of one source; any text here, so an id that names no source is a 404, not a 422. */
const sourceParams = z.object({ id: z.string() });

/** Acquisition sources under `/api/manager/sources`, mounted in the manager group (managers/routes.ts). */
export function sourceRoutes(group: RouteGroup<GuestEnv>, deps: SourceRouteDeps) {
  const linkTarget = async (): Promise<LinkTarget> => ({
    botUsername: await deps.botIdentity.username(),
    miniAppShortName: (await readSettings(deps.db, deps.settingsDefaults)).miniAppShortName,
  });
  const list = group.route({
    method: "get",
    path: "/",
    summary: "The bot's links and every acquisition source",
    responses: { 200: jsonResponse("The bot's links and the sources", sourceListResponseSchema) },
  });
  const create = group.route({
    method: "post",
    path: "/",
    summary: "Make a source: a name, and a code of one's own or a generated one",
    request: { body: jsonRequestBody(createSourceRequestSchema) },
    responses: { 201: jsonResponse("The new source with its links", sourceResponseSchema) },
    errors: ["conflict"],
  });
  const update = group.route({
    method: "patch",
    path: "/{id}",
    summary: "Rename, archive or bring back a source",
    description: "The code never changes: it is printed. The plain bot link's source cannot be archived.",
    request: { params: routeParameters(sourceParams), body: jsonRequestBody(updateSourceRequestSchema) },
    responses: { 200: jsonResponse("The source after the change", sourceResponseSchema) },
    errors: ["not_found", "conflict"],
  });
  return openApiRoutes<GuestEnv>()
    .openapi(list, async (c) => {
      const [target, rows] = await Promise.all([linkTarget(), listSources(deps.db)]);
      const plain = sourceLinks(target.botUsername, target.miniAppShortName, "default");
      const body: SourceListResponse = {
        bot: { ...target, botLink: plain.bot, miniAppLink: plain.miniApp },
        sources: rows.map((row) => toSourceDto(row, target)),
      };
      return c.json(body, 200);
    })
    .openapi(create, async (c) => {
      const target = await linkTarget();
      const row = await createSource(deps.db, c.req.valid("json"));
      const body: SourceResponse = { source: toSourceDto(row, target) };
      return c.json(body, 201);
    })
    .openapi(update, async (c) => {
      const id = sourceId(c.req.valid("param").id);
      const target = await linkTarget();
      const row = await updateSource(deps.db, id, c.req.valid("json"));
      const body: SourceResponse = { source: toSourceDto(row, target) };
      return c.json(body, 200);
    });
}

/** `GET /api/manager/stats`: the funnel as JSON, or as a CSV download with `format=csv`. */
export function funnelRoutes(group: RouteGroup<GuestEnv>, deps: { db: Database }) {
  const stats = group.route({
    method: "get",
    path: "/",
    summary: "The acquisition funnel, in total and per source",
    description:
      "Started → shared the phone → registered → first visit at a till, each counted once per Telegram user for their first-touch source. `format=csv` answers the same as a CSV download.",
    request: { query: routeParameters(statsQuerySchema) },
    responses: {
      200: {
        description: "The funnel (JSON), or with `format=csv` the same as CSV",
        content: {
          "application/json": { schema: routeSchema(statsResponseSchema) },
          "text/csv": { schema: { type: "string" } },
        },
      },
    },
  });
  return openApiRoutes<GuestEnv>().openapi(stats, async (c) => {
    const query = c.req.valid("query");
    const stats = await funnelStats(deps.db, query.period, { utcOffsetMinutes: query.utcOffsetMinutes });
    if (query.format === "csv") {
      const day = stats.to.slice(0, 10);
      return c.body(funnelCsv(stats), 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="guestcard-funnel-${query.period}-${day}.csv"`,
      });
    }
    const body: StatsResponse = stats;
    return c.json(body, 200);
  });
}

/** Route ids are serial integers; anything else names no source. */
function sourceId(param: string): number {
  const id = Number(param);
  if (!/^\d{1,9}$/.test(param) || !Number.isSafeInteger(id))
    throw new ApiError("not_found", "There is no such source.");
  return id;
}
