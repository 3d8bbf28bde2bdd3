import { type BroadcastRouteDeps, broadcastRoutes } from "../broadcasts/routes";
import type { Database } from "../db/client";
import { managerDownloadRoutes } from "../downloads/routes";
import { guestImportRoutes } from "../guest-import/routes";
import { guestRecordRoutes, phoneConflictRoutes } from "../guest-records/routes";
import type { GuestEnv, RouteGroup } from "../http/route-groups";
import type { Logger } from "../logger";
import { managerGuestPointsRoutes, managerLoyaltyRoutes } from "../loyalty/routes";
import { settingsRoutes } from "../settings/routes";
import type { SettingsDefaults } from "../settings/settings";
import { funnelRoutes, sourceRoutes } from "../sources/routes";
import type { BotIdentity } from "./bot-identity";
import type { ManagerAccess } from "./manager-access";

export interface ManagerRouteDeps {
  db: Database;
  logger: Logger;
  managerAccess: ManagerAccess;
  botIdentity: BotIdentity;
  settingsDefaults: SettingsDefaults;
  broadcasts: Omit<BroadcastRouteDeps, "db" | "deliverNow">;
  /**
   * Sends outbox jobs of the bot's messages at once (a test broadcast, a phone conflict's decision);
   * never fails: what it cannot send waits for the outbox worker.
   */
  deliverNow?: (jobIds: readonly number[]) => Promise<void>;
  /** The clock download links expire by. */
  now: () => Date;
}

/**
 * Everything under `/api/manager/`, mounted in the manager group: initData, then the manager check,
 * for every path here, unknown ones included, before anything else is read.
 */
export function managerRoutes(group: RouteGroup<GuestEnv>, deps: ManagerRouteDeps) {
  return group
    .routes()
    .route("/sources", sourceRoutes(group, { ...deps, settingsDefaults: deps.settingsDefaults }))
    .route("/stats", funnelRoutes(group, deps))
    .route("/settings", settingsRoutes(group, { db: deps.db, defaults: deps.settingsDefaults }))
    .route("/accounts", guestImportRoutes(group, deps))
    .route("/loyalty", managerLoyaltyRoutes(group, deps))
    .route("/guests", managerGuestPointsRoutes(group, deps))
    .route(
      "/broadcasts",
      broadcastRoutes(group, { db: deps.db, deliverNow: deps.deliverNow, ...deps.broadcasts }),
    )
    .route("/guests", guestRecordRoutes(group, deps))
    .route("/phone-conflicts", phoneConflictRoutes(group, deps))
    .route("/downloads", managerDownloadRoutes(group, deps));
}
