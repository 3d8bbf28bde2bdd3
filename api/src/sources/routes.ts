import {
  createSourceRequestSchema,
  type SourceListResponse,
  type SourceResponse,
  sourceLinks,
  statsQuerySchema,
  updateSourceRequestSchema,
} from "@guestcard/shared";
import { Hono } from "hono";
import type { Database } from "../db/client";
import { ApiError } from "../errors";
import { jsonBody, queryParams } from "../http/validation";
import type { BotIdentity } from "../managers/bot-identity";
import { readSettings, type SettingsDefaults } from "../settings/settings";
import type { GuestVariables } from "../telegram/init-data-auth";
import { funnelCsv, funnelStats } from "./funnel";
import { createSource, type LinkTarget, listSources, toSourceDto, updateSource } from "./sources";

interface SourceRouteDeps {
  db: Database;
  settingsDefaults: SettingsDefaults;
  botIdentity: BotIdentity;
}

/** Acquisition sources under `/api/manager/sources`; manager access is checked where they are mounted. */
export function sourceRoutes(deps: SourceRouteDeps) {
  const linkTarget = async (): Promise<LinkTarget> => ({
    botUsername: await deps.botIdentity.username(),
    miniAppShortName: (await readSettings(deps.db, deps.settingsDefaults)).miniAppShortName,
  });
  return new Hono<{ Variables: GuestVariables }>()
    .get("/", async (c) => {
      const [target, rows] = await Promise.all([linkTarget(), listSources(deps.db)]);
      const plain = sourceLinks(target.botUsername, target.miniAppShortName, "default");
      const body: SourceListResponse = {
        bot: { ...target, botLink: plain.bot, miniAppLink: plain.miniApp },
        sources: rows.map((row) => toSourceDto(row, target)),
      };
      return c.json(body, 200);
    })
    .post("/", jsonBody(createSourceRequestSchema), async (c) => {
      const target = await linkTarget();
      const row = await createSource(deps.db, c.req.valid("json"));
      const body: SourceResponse = { source: toSourceDto(row, target) };
      return c.json(body, 201);
    })
    .patch("/:id", jsonBody(updateSourceRequestSchema), async (c) => {
      const id = sourceId(c.req.param("id"));
      const target = await linkTarget();
      const row = await updateSource(deps.db, id, c.req.valid("json"));
      const body: SourceResponse = { source: toSourceDto(row, target) };
      return c.json(body, 200);
    });
}

/** `GET /api/manager/stats`: the funnel as JSON, or as a CSV download with `format=csv`. */
export function funnelRoutes(deps: { db: Database }) {
  return new Hono<{ Variables: GuestVariables }>().get("/", queryParams(statsQuerySchema), async (c) => {
    const query = c.req.valid("query");
    const stats = await funnelStats(deps.db, query.period, { utcOffsetMinutes: query.utcOffsetMinutes });
    if (query.format === "csv") {
      const day = stats.to.slice(0, 10);
      return c.body(funnelCsv(stats), 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="guestcard-funnel-${query.period}-${day}.csv"`,
      });
    }
    return c.json(stats, 200);
  });
}

/** Route ids are serial integers; anything else names no source. */
function sourceId(param: string): number {
  const id = Number(param);
  if (!/^\d{1,9}$/.test(param) || !Number.isSafeInteger(id))
    throw new ApiError("not_found", "There is no such source.");
  return id;
}
