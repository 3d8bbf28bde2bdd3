import { Hono } from "hono";
import type { Database } from "../db/client";
import { guestImportRoutes } from "../guest-import/routes";
import type { Logger } from "../logger";
import { settingsRoutes } from "../settings/routes";
import type { SettingsDefaults } from "../settings/settings";
import { funnelRoutes, sourceRoutes } from "../sources/routes";
import type { GuestVariables } from "../telegram/init-data-auth";
import type { BotIdentity } from "./bot-identity";
import { type ManagerAccess, requireManager } from "./manager-access";

export interface ManagerRouteDeps {
  db: Database;
  logger: Logger;
  managerAccess: ManagerAccess;
  botIdentity: BotIdentity;
  settingsDefaults: SettingsDefaults;
}

/**
 * Everything under `/api/manager/`. initData authentication runs first (where the API is assembled),
 * then the manager check, for every path here, unknown ones included.
 */
export function managerRoutes(deps: ManagerRouteDeps) {
  return new Hono<{ Variables: GuestVariables }>()
    .use("*", requireManager(deps.managerAccess))
    .route("/sources", sourceRoutes({ ...deps, settingsDefaults: deps.settingsDefaults }))
    .route("/stats", funnelRoutes(deps))
    .route("/settings", settingsRoutes({ db: deps.db, defaults: deps.settingsDefaults }))
    .route("/accounts", guestImportRoutes(deps));
}
