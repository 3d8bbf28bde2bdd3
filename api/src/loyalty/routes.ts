import {
  type LoyaltyProgramme,
  type LoyaltyResponse,
  loyaltyHistoryQuerySchema,
  loyaltyProgrammeSchema,
  loyaltyProgrammeUpdateSchema,
  loyaltyResponseSchema,
  type PointsAdjustmentResponse,
  type ProgrammeFigures,
  pointsAdjustmentRequestSchema,
  pointsAdjustmentResponseSchema,
  programmeFiguresSchema,
} from "@guestcard/shared";
import { eq } from "drizzle-orm";
import * as z from "zod/mini";
import { registeredAccountId } from "../card/routes";
import type { Database } from "../db/client";
import { accounts } from "../db/schema";
import { ApiError } from "../errors";
import { type GuestEnv, openApiRoutes, type RouteGroup } from "../http/route-groups";
import { jsonRequestBody, jsonResponse, routeParameters } from "../http/route-schema";
import { readLoyaltyProgramme, updateLoyaltyProgramme } from "../settings/settings";
import { adjustPoints } from "./adjustments";
import { readGuestLoyalty } from "./guest-loyalty";
import { readProgrammeFigures } from "./programme-figures";
import { isUuid } from "./till-payments";

/** `GET /api/loyalty` (docs/api.md): the guest's balance, tier and history, mounted in the guest group. */
export function guestLoyaltyRoutes(group: RouteGroup<GuestEnv>, deps: { db: Database }) {
  const read = group.route({
    method: "get",
    path: "/",
    summary: "The guest's points: balance, tier and history",
    description:
      "History newest first, at least 50 movements a page (a bill's redeem and earn never split between pages); pass `nextBefore` as `before` for the next page.",
    request: { query: routeParameters(loyaltyHistoryQuerySchema) },
    responses: { 200: jsonResponse("Balance, tier and a page of the history", loyaltyResponseSchema) },
    errors: ["registration_required"],
  });
  return group.routes().openapi(read, async (c) => {
    const accountId = await registeredAccountId(deps.db, c.get("launch").user.id);
    const body: LoyaltyResponse = await readGuestLoyalty(deps.db, accountId, c.req.valid("query"));
    return c.json(body, 200);
  });
}

/**
 * `/api/manager/loyalty/*`: the programme's settings and figures, mounted inside the manager group
 * (managers/routes.ts), behind its guard.
 */
export function managerLoyaltyRoutes(group: RouteGroup<GuestEnv>, deps: { db: Database }) {
  const programme = group.route({
    method: "get",
    path: "/programme",
    summary: "The loyalty programme in force",
    description:
      "docs/api.md's defaults, then the environment's `LOYALTY_*`, then what managers saved — field by field.",
    responses: { 200: jsonResponse("The programme the next bill will use", loyaltyProgrammeSchema) },
  });
  const update = group.route({
    method: "patch",
    path: "/programme",
    summary: "Change some of the programme's settings",
    description:
      "Any subset; what is left out stays. Applies from the next bill on, never to bills already closed.",
    request: { body: jsonRequestBody(loyaltyProgrammeUpdateSchema) },
    responses: { 200: jsonResponse("The programme after the change", loyaltyProgrammeSchema) },
  });
  const figures = group.route({
    method: "get",
    path: "/figures",
    summary: "What the programme gives and costs: today, 7 and 30 days",
    description:
      "Points issued, spent, lapsed, refunded and adjusted down; card holders' bills and the average bill; the points guests hold now (the restaurant's liability).",
    responses: { 200: jsonResponse("The programme's figures", programmeFiguresSchema) },
  });
  return openApiRoutes<GuestEnv>()
    .openapi(programme, async (c) => {
      const body: LoyaltyProgramme = await readLoyaltyProgramme(deps.db);
      return c.json(body, 200);
    })
    .openapi(update, async (c) => {
      const body: LoyaltyProgramme = await updateLoyaltyProgramme(deps.db, c.req.valid("json"));
      return c.json(body, 200);
    })
    .openapi(figures, async (c) => {
      const body: ProgrammeFigures = await readProgrammeFigures(deps.db);
      return c.json(body, 200);
    });
}

const guestParams = z.object({ accountId: z.string() });

const noSuchGuest = () => new ApiError("not_found", "No guest with this id.");

/**
 * `/api/manager/guests/{accountId}/points` and `/loyalty`: a manager's hand adjustment and view of one
 * guest's points, mounted inside the manager group (managers/routes.ts).
 */
export function managerGuestPointsRoutes(group: RouteGroup<GuestEnv>, deps: { db: Database }) {
  const adjust = group.route({
    method: "post",
    path: "/{accountId}/points",
    summary: "Adjust a guest's points by hand",
    description:
      "Signed points and a required reason; written as an `adjust` movement naming the manager. A downward adjustment may not take the balance below zero (`409 insufficient_points`).",
    request: {
      params: routeParameters(guestParams),
      body: jsonRequestBody(pointsAdjustmentRequestSchema),
    },
    responses: { 200: jsonResponse("The guest's balance after it", pointsAdjustmentResponseSchema) },
    errors: ["not_found", "insufficient_points"],
  });
  const loyalty = group.route({
    method: "get",
    path: "/{accountId}/loyalty",
    summary: "A guest's points: balance, tier and history",
    description: "As the guest sees it on `GET /api/loyalty`, paged the same way.",
    request: { params: routeParameters(guestParams), query: routeParameters(loyaltyHistoryQuerySchema) },
    responses: { 200: jsonResponse("Balance, tier and a page of the history", loyaltyResponseSchema) },
    errors: ["not_found"],
  });
  return openApiRoutes<GuestEnv>()
    .openapi(adjust, async (c) => {
      const { accountId } = c.req.valid("param");
      const result = await adjustPoints(deps.db, {
        ...c.req.valid("json"),
        accountId,
        managerTelegramId: c.get("launch").user.id,
      });
      if (result.outcome === "no_account") throw noSuchGuest();
      if (result.outcome === "insufficient_points") {
        throw new ApiError(
          "insufficient_points",
          `The guest has ${result.balance} points: an adjustment may not take the balance below zero.`,
          undefined,
          undefined,
          { balance: result.balance },
        );
      }
      const body: PointsAdjustmentResponse = { balance: result.balance };
      return c.json(body, 200);
    })
    .openapi(loyalty, async (c) => {
      const { accountId } = c.req.valid("param");
      if (!isUuid(accountId)) throw noSuchGuest();
      const [account] = await deps.db
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(accounts.id, accountId));
      if (!account) throw noSuchGuest();
      const body: LoyaltyResponse = await readGuestLoyalty(deps.db, accountId, c.req.valid("query"));
      return c.json(body, 200);
    });
}
