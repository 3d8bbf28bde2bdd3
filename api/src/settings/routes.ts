import { type Settings, settingsUpdateSchema } from "@guestcard/shared";
import { Hono } from "hono";
import type { Database } from "../db/client";
import { jsonBody } from "../http/validation";
import type { GuestVariables } from "../telegram/init-data-auth";
import { readSettings, type SettingsDefaults, updateSettings } from "./settings";

/** `GET`/`PUT /api/manager/settings`; manager access is checked where they are mounted. */
export function settingsRoutes(deps: { db: Database; defaults: SettingsDefaults }) {
  return new Hono<{ Variables: GuestVariables }>()
    .get("/", async (c) => {
      const body: Settings = await readSettings(deps.db, deps.defaults);
      return c.json(body, 200);
    })
    .put("/", jsonBody(settingsUpdateSchema), async (c) => {
      const body: Settings = await updateSettings(deps.db, deps.defaults, c.req.valid("json"));
      return c.json(body, 200);
    });
}
