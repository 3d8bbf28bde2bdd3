import { type Settings, settingsSchema, settingsUpdateSchema } from "@guestcard/shared";
import type { Database } from "../db/client";
import { type GuestEnv, openApiRoutes, type RouteGroup } from "../http/route-groups";
import { jsonRequestBody, jsonResponse } from "../http/route-schema";
import { readSettings, type SettingsDefaults, updateSettings } from "./settings";

/** `GET`/`PUT /api/manager/settings`, mounted in the manager group (managers/routes.ts). */
export function settingsRoutes(
  group: RouteGroup<GuestEnv>,
  deps: { db: Database; defaults: SettingsDefaults },
) {
  const read = group.route({
    method: "get",
    path: "/",
    summary: "The restaurant's settings",
    responses: { 200: jsonResponse("The settings in force", settingsSchema) },
  });
  const update = group.route({
    method: "put",
    path: "/",
    summary: "Change some of the settings",
    description: "Any subset of the settings; what is left out stays as it is.",
    request: { body: jsonRequestBody(settingsUpdateSchema) },
    responses: { 200: jsonResponse("The settings after the change", settingsSchema) },
  });
  return openApiRoutes<GuestEnv>()
    .openapi(read, async (c) => {
      const body: Settings = await readSettings(deps.db, deps.defaults);
      return c.json(body, 200);
    })
    .openapi(update, async (c) => {
      const body: Settings = await updateSettings(deps.db, deps.defaults, c.req.valid("json"));
      return c.json(body, 200);
    });
}
