import type { LoyaltyResponse } from "@guestcard/shared";
import type { Session } from "../session";

/** `GET /api/loyalty?before=`: the balance, the tier and a page of history (docs/api.md). */
export function loadLoyalty(
  session: Pick<Session, "api" | "request">,
  before?: string | null,
): Promise<LoyaltyResponse> {
  return session.request(session.api.loyalty.$get({ query: before ? { before } : {} }));
}
