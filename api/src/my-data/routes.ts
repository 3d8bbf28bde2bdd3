import {
  type ConsentHistoryResponse,
  consentHistoryResponseSchema,
  myDataDeletedResponseSchema,
  myDataResponseSchema,
} from "@guestcard/shared";
import type { Database } from "../db/client";
import type { GuestEnv, RouteGroup } from "../http/route-groups";
import { jsonResponse } from "../http/route-schema";
import { deleteMyData, exportMyData, withdrawMarketingConsent } from "./my-data";

/** The guest's own data: read it all, withdraw marketing consent, delete the account. */
export function myDataRoutes(group: RouteGroup<GuestEnv>, deps: { db: Database }) {
  const read = group.route({
    method: "get",
    path: "/",
    summary: "Everything Guestcard stores about the guest",
    description: "Personal data: answered with `Cache-Control: no-store`.",
    responses: { 200: jsonResponse("The guest's data", myDataResponseSchema) },
  });
  const withdrawMarketing = group.route({
    method: "delete",
    path: "/consents/marketing",
    summary: "Withdraw marketing consent",
    description: "Recorded with its time; withdrawing twice records nothing new.",
    responses: {
      200: jsonResponse("The consent history after the withdrawal", consentHistoryResponseSchema),
    },
    errors: ["registration_required"],
  });
  const erase = group.route({
    method: "delete",
    path: "/",
    summary: "Delete the guest's account and data",
    responses: { 200: jsonResponse("Deleted", myDataDeletedResponseSchema) },
  });
  return group
    .routes()
    .openapi(read, async (c) => {
      const body = await exportMyData(deps.db, c.get("launch").user);
      // Personal data: never kept by a browser or proxy cache.
      c.header("cache-control", "no-store");
      return c.json(body, 200);
    })
    .openapi(withdrawMarketing, async (c) => {
      const body: ConsentHistoryResponse = {
        consents: await withdrawMarketingConsent(deps.db, c.get("launch").user),
      };
      return c.json(body, 200);
    })
    .openapi(erase, async (c) => {
      await deleteMyData(deps.db, c.get("launch").user);
      return c.json({ deleted: true as const }, 200);
    });
}
