import type { MeResponse } from "@guestcard/shared";
import { Hono } from "hono";
import type { Database } from "../db/client";
import type { ManagerAccess } from "../managers/manager-access";
import { recordSourceEvent } from "../sources/attribution";
import type { GuestVariables } from "../telegram/init-data-auth";
import { rememberTelegramUser, resolveGuest, toAccountDto } from "./guests";

export function guestRoutes(deps: { db: Database; managerAccess: ManagerAccess; demo: boolean }) {
  return new Hono<{ Variables: GuestVariables }>().get("/me", async (c) => {
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
    const body: MeResponse = {
      status: state.status,
      user,
      phone: state.phone,
      account: state.account ? toAccountDto(state.account) : null,
      isManager,
      demo: deps.demo,
    };
    return c.json(body, 200);
  });
}
