import type { LoyaltyResponse } from "@guestcard/shared";
import type { ClientResponse } from "hono/client";
import type { Session } from "../session";

/** `GET /api/loyalty?before=`: the balance, the tier and a page of history (docs/api.md). */
export function loadLoyalty(
  session: Pick<Session, "api" | "launch" | "request">,
  before?: string | null,
): Promise<LoyaltyResponse> {
  const query = before ? `?${new URLSearchParams({ before })}` : "";
  const pending = fetch(`${window.location.origin}/api/loyalty${query}`, {
    headers: { authorization: `tma ${session.launch.rawInitData}` },
  }) as unknown as Promise<ClientResponse<LoyaltyResponse, 200, "json">>;
  return session.request(pending);
}
