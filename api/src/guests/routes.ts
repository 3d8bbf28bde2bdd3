import { type MeResponse, meResponseSchema } from "@guestcard/shared";
import type { Database } from "../db/client";
import type { GuestEnv, RouteGroup } from "../http/route-groups";
import { jsonResponse } from "../http/route-schema";
import type { ManagerAccess } from "../managers/manager-access";
import { personalDataConsentGiven } from "../my-data/my-data";
import { recordSourceEvent } from "../sources/attribution";
import { rememberTelegramUser, resolveGuest, toAccountDto } from "./guests";

/** `GET /api/me` (docs/api.md): who the guest is and how far they got. */
export function meRoutes(
  group: RouteGroup<GuestEnv>,
  deps: { db: Database; managerAccess: ManagerAccess; demo: boolean },
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
    await rememberTelegramUser(deps.db, user);
    // Opening the Mini App counts as arriving: through a `startapp=<code>` link, or plainly.
    await recordSourceEvent(deps.db, user.id, "started", startParam);
    const [state, isManager] = await Promise.all([
      resolveGuest(deps.db, user.id),
      deps.managerAccess.isManager(user.id),
    ]);
    // A known guest linked by their phone has reached "registered" without filling the form.
    if (state.status === "registered") await recordSourceEvent(deps.db, user.id, "registered");
    const consentRequired =
      state.status === "registered" && state.account !== null
        ? !(await personalDataConsentGiven(deps.db, state.account.id))
        : false;
    const body: MeResponse = {
      status: state.status,
      user,
      phone: state.phone,
      account: state.account ? toAccountDto(state.account) : null,
      isManager,
      demo: deps.demo,
      consentRequired,
    };
    return c.json(body, 200);
  });
}
