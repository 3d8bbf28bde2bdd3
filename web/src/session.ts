import type { MeResponse } from "@guestcard/shared";
import { createContext, useContext } from "react";
import type { ApiClient, call } from "./api";
import type { Launch } from "./telegram";

/** What every guest screen works with: who launched the app, their current state, and the API. */
export interface Session {
  launch: Launch;
  me: MeResponse;
  api: ApiClient;
  /** Re-reads `/api/me` after something changed the guest's status; the app follows the new status. */
  refresh(): Promise<MeResponse>;
  /** `call` that also turns a 401 anywhere into the app-wide "reopen the app" screen. */
  request: typeof call;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in guest screen");
  return session;
}
