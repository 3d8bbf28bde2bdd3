import { type MeResponse, meResponseSchema } from "@guestcard/shared";
import type { Database } from "../db/client";
import type { GuestEnv, RouteGroup } from "../http/route-groups";
import { jsonResponse } from "../http/route-schema";
import type { ManagerAccess } from "../managers/manager-access";
import { openMiniApp } from "./open-mini-app";

/** `GET /api/me` (docs/api.md): who the guest is and how far they got. */
export function meRoutes(
  group: RouteGroup<GuestEnv>,
  deps: { db: Database; managerAccess: ManagerAccess; demo: boolean; restaurantName: string },
) {
  const me = group.route({
    method: "get",
    path: "/",
    summary: "The guest, their shared phone and their account",
    description:
      "`status` says what the Mini App shows next: `needs_phone`, `needs_registration`, `registered` or `phone_conflict`. Opening the Mini App counts as arriving (the acquisition funnel).",
    responses: { 200: jsonResponse("The guest as the server knows them", meResponseSchema) },
  });
  return group.routes().openapi(me, async (c) => {
    const { user, startParam } = c.get("launch");
    // One statement: the profile and the funnel written only when new (open-mini-app.ts).
    const opened = await openMiniApp(deps.db, user, startParam, deps.managerAccess.isManagerSql(user.id));
    const body: MeResponse = {
      status: opened.status,
      user,
      phone: opened.phone,
      account: opened.account,
      isManager: opened.isManager,
      demo: deps.demo,
      consentRequired: opened.consentRequired,
      restaurantName: opened.restaurantName ?? deps.restaurantName,
      reviewAnswerUnread: opened.reviewAnswerUnread,
    };
    return c.json(body, 200);
  });
}
