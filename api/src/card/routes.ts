import { type CardResponse, cardResponseSchema } from "@guestcard/shared";
import type { Config } from "../config";
import type { Database } from "../db/client";
import { ApiError } from "../errors";
import { resolveGuest } from "../guests/guests";
import type { GuestEnv, RouteGroup } from "../http/route-groups";
import { jsonResponse } from "../http/route-schema";
import type { CardIdentifierSource } from "./card-identifiers";
import { findLiveCard, issueCard } from "./cards";

/** The registered guest's account id, or 403: only a loyalty account has a card. */
export async function registeredAccountId(db: Database, telegramUserId: number): Promise<string> {
  const state = await resolveGuest(db, telegramUserId);
  if (state.status !== "registered" || !state.account) {
    throw new ApiError("registration_required", "Register first: the card belongs to a loyalty account.");
  }
  return state.account.id;
}

/** `POST /api/card` and `GET /api/card` (docs/api.md). */
export function cardRoutes(
  group: RouteGroup<GuestEnv>,
  deps: { db: Database; config: Config; newIdentifiers?: CardIdentifierSource },
) {
  const issue = group.route({
    method: "post",
    path: "/",
    summary: "Issue a new virtual card",
    description:
      "Any earlier live card of this account stops working at once. `code` is what the QR encodes, `pin` what the guest dictates; `serverTime` lets the client count down without trusting its own clock.",
    responses: { 201: jsonResponse("The new card", cardResponseSchema) },
    errors: ["registration_required", "unavailable"],
  });
  const live = group.route({
    method: "get",
    path: "/",
    summary: "The guest's live card",
    responses: { 200: jsonResponse("The live card", cardResponseSchema) },
    errors: ["registration_required", "no_card"],
  });
  return group
    .routes()
    .openapi(issue, async (c) => {
      const telegramUserId = c.get("launch").user.id;
      const lifetime = { settingOrDefault: deps.config.cardTtlSeconds };
      // One round trip for a registered guest; the slow path links a known guest first, or refuses.
      let card = await issueCard(deps.db, { telegramUserId }, lifetime, deps.newIdentifiers);
      if (!card) {
        const accountId = await registeredAccountId(deps.db, telegramUserId);
        card = await issueCard(deps.db, { accountId }, lifetime, deps.newIdentifiers);
      }
      if (!card)
        throw new ApiError("registration_required", "Register first: the card belongs to a loyalty account.");
      const body: CardResponse = card;
      return c.json(body, 201);
    })
    .openapi(live, async (c) => {
      const accountId = await registeredAccountId(deps.db, c.get("launch").user.id);
      const card = await findLiveCard(deps.db, accountId);
      if (!card) throw new ApiError("no_card", "There is no live card: ask for a new one.");
      const body: CardResponse = card;
      return c.json(body, 200);
    });
}
