import type { ConsentHistoryResponse } from "@guestcard/shared";
import { Hono } from "hono";
import type { Database } from "../db/client";
import type { GuestVariables } from "../telegram/init-data-auth";
import { deleteMyData, exportMyData, withdrawMarketingConsent } from "./my-data";

/** The guest's own data: read it all, withdraw marketing consent, delete the account. */
export function myDataRoutes(deps: { db: Database }) {
  return new Hono<{ Variables: GuestVariables }>()
    .get("/", async (c) => {
      const body = await exportMyData(deps.db, c.get("launch").user);
      // Personal data: never kept by a browser or proxy cache.
      c.header("cache-control", "no-store");
      return c.json(body, 200);
    })
    .delete("/consents/marketing", async (c) => {
      const body: ConsentHistoryResponse = {
        consents: await withdrawMarketingConsent(deps.db, c.get("launch").user),
      };
      return c.json(body, 200);
    })
    .delete("/", async (c) => {
      await deleteMyData(deps.db, c.get("launch").user);
      return c.json({ deleted: true as const }, 200);
    });
}
