import {
  type ConsentHistoryResponse,
  consentHistoryResponseSchema,
  type MyDataDeletedResponse,
  type MyDataExportResponse,
  myDataDeletedResponseSchema,
  myDataExportResponseSchema,
  myDataResponseSchema,
} from "@guestcard/shared";
import type { Database } from "../db/client";
import type { GuestEnv, RouteGroup } from "../http/route-groups";
import { jsonResponse } from "../http/route-schema";
import { myDataDownloadLink } from "./download";
import { deleteMyData, exportMyData, grantConsent, withdrawMarketingConsent } from "./my-data";

/**
 * The guest's own data: read it all, give or withdraw consents, export it as a file, delete the
 * account. `downloadSecret` signs the export's short-lived links (download.ts).
 */
export function myDataRoutes(group: RouteGroup<GuestEnv>, deps: { db: Database; downloadSecret: string }) {
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
  const grant = (
    path: "/consents/marketing" | "/consents/personal-data",
    summary: string,
    description: string,
  ) =>
    group.route({
      method: "post",
      path,
      summary,
      description,
      responses: { 200: jsonResponse("The consent history after the grant", consentHistoryResponseSchema) },
      errors: ["registration_required"],
    });
  const grantMarketing = grant(
    "/consents/marketing",
    "Opt in to offers and news",
    "Recorded with its time and the text version; giving it while in force records nothing new. Also how a guest who unsubscribed from a broadcast gets offers back.",
  );
  const grantPersonalData = grant(
    "/consents/personal-data",
    "Give the personal-data consent",
    "For a known guest from the restaurant's base, who never gave it to us: the Mini App asks on first open.",
  );
  const exportFile = group.route({
    method: "post",
    path: "/export",
    summary: "A short-lived link to the guest's data as a JSON file",
    description:
      "For Telegram's `downloadFile` (and a plain link in a browser): `GET <url>` answers the file without initData until `expiresAt` (a few minutes).",
    responses: { 201: jsonResponse("The link", myDataExportResponseSchema) },
  });
  const erase = group.route({
    method: "delete",
    path: "/",
    summary: "Delete the guest's account and data",
    description:
      "What goes and what stays: docs/decisions/019-deleting-ones-data.md. `account`: whether there was one; `reviews`: how many reviews went.",
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
    .openapi(grantMarketing, async (c) => {
      const body: ConsentHistoryResponse = {
        consents: await grantConsent(deps.db, c.get("launch").user, "marketing"),
      };
      return c.json(body, 200);
    })
    .openapi(grantPersonalData, async (c) => {
      const body: ConsentHistoryResponse = {
        consents: await grantConsent(deps.db, c.get("launch").user, "personal_data"),
      };
      return c.json(body, 200);
    })
    .openapi(exportFile, (c) => {
      const body: MyDataExportResponse = myDataDownloadLink(deps.downloadSecret, c.get("launch").user.id);
      c.header("cache-control", "no-store");
      return c.json(body, 201);
    })
    .openapi(erase, async (c) => {
      const outcome = await deleteMyData(deps.db, c.get("launch").user);
      const body: MyDataDeletedResponse = { deleted: true, ...outcome };
      return c.json(body, 200);
    });
}
