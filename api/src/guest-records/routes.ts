import {
  accountIdParamsSchema,
  conflictIdParamsSchema,
  type GuestRecordResponse,
  type GuestSearchResponse,
  guestRecordResponseSchema,
  guestSearchQuerySchema,
  guestSearchResponseSchema,
  type PhoneConflictListResponse,
  type PhoneConflictResponse,
  phoneConflictDecisionRequestSchema,
  phoneConflictListQuerySchema,
  phoneConflictListResponseSchema,
  phoneConflictResponseSchema,
} from "@guestcard/shared";
import type { Database } from "../db/client";
import { ApiError } from "../errors";
import { type GuestEnv, openApiRoutes, type RouteGroup } from "../http/route-groups";
import { jsonRequestBody, jsonResponse, routeParameters } from "../http/route-schema";
import type { Logger } from "../logger";
import { readSettings, type SettingsDefaults } from "../settings/settings";
import { readGuestRecord, searchGuests } from "./guest-records";
import {
  type ConflictDecision,
  type DecisionOutcome,
  dismissPhoneConflict,
  listPhoneConflicts,
  resolvePhoneConflict,
} from "./phone-conflicts";

export interface GuestRecordRouteDeps {
  db: Database;
  logger: Logger;
  settingsDefaults: SettingsDefaults;
  /**
   * Sends the outbox jobs of a decision's messages right away (the bot's worker); without a bot they
   * wait in the outbox for one. A failure here is the worker's to retry, never the manager's error.
   */
  deliverNow?: (jobIds: number[]) => Promise<void>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function accountId(param: string): string {
  if (!uuidPattern.test(param)) throw new ApiError("not_found", "There is no guest with this id.");
  return param;
}

function conflictId(param: string): number {
  const id = Number(param);
  if (!/^[1-9]\d{0,15}$/.test(param) || !Number.isSafeInteger(id))
    throw new ApiError("not_found", "There is no such phone conflict.");
  return id;
}

/** `/api/manager/guests`: find a guest, read their record (managers/routes.ts mounts it). */
export function guestRecordRoutes(group: RouteGroup<GuestEnv>, deps: GuestRecordRouteDeps) {
  const search = group.route({
    method: "get",
    path: "/",
    summary: "Find guests by phone (any spelling) or name",
    description: `A phone as people type it ("8 (921) 555-01-02"), its last digits, or words of the name; at most 20 guests.`,
    request: { query: routeParameters(guestSearchQuerySchema) },
    responses: { 200: jsonResponse("The guests found, by name", guestSearchResponseSchema) },
  });
  const read = group.route({
    method: "get",
    path: "/{accountId}",
    summary: "A guest's record",
    description:
      "Name, the whole phone, registration date, source, consents with dates, cards issued, last visit at a till, reviews with the conversation after them. Answered with `Cache-Control: no-store`.",
    request: { params: routeParameters(accountIdParamsSchema) },
    responses: { 200: jsonResponse("The guest's record", guestRecordResponseSchema) },
    errors: ["not_found"],
  });
  return openApiRoutes<GuestEnv>()
    .openapi(search, async (c) => {
      const body: GuestSearchResponse = { guests: await searchGuests(deps.db, c.req.valid("query").q) };
      c.header("cache-control", "no-store");
      return c.json(body, 200);
    })
    .openapi(read, async (c) => {
      const body: GuestRecordResponse = {
        guest: await readGuestRecord(deps.db, accountId(c.req.valid("param").accountId)),
      };
      c.header("cache-control", "no-store");
      return c.json(body, 200);
    });
}

/** `/api/manager/phone-conflicts`: list them, resolve (move the account) or dismiss, with a reason. */
export function phoneConflictRoutes(group: RouteGroup<GuestEnv>, deps: GuestRecordRouteDeps) {
  const list = group.route({
    method: "get",
    path: "/",
    summary: "Phone conflicts, newest first",
    description: "`status`: `open` (the default), `resolved`, `dismissed` or `all`; at most 200.",
    request: { query: routeParameters(phoneConflictListQuerySchema) },
    responses: { 200: jsonResponse("The conflicts", phoneConflictListResponseSchema) },
  });
  const decisionRoute = (action: "resolve" | "dismiss", summary: string, description: string) =>
    group.route({
      method: "post",
      path: `/{id}/${action}`,
      summary,
      description,
      request: {
        params: routeParameters(conflictIdParamsSchema),
        body: jsonRequestBody(phoneConflictDecisionRequestSchema),
      },
      responses: { 200: jsonResponse("The conflict as decided", phoneConflictResponseSchema) },
      errors: ["not_found", "conflict"],
    });
  const resolve = decisionRoute(
    "resolve",
    "Move the account to the guest who shared its phone",
    "The holder's link and verified phone are cleared, the guest who shared the phone is linked; an audit row is written and both are told by the bot. `409 conflict` when already decided or when the account or the guest changed since.",
  );
  const dismiss = decisionRoute(
    "dismiss",
    "Leave the account where it is",
    "The conflict is closed with the reason and an audit row; the guest who shared the phone is told by the bot.",
  );
  const decide = async (
    decideWith: (db: Database, decision: ConflictDecision) => Promise<DecisionOutcome>,
    input: { id: string; reason: string; managerTelegramId: number },
  ): Promise<PhoneConflictResponse> => {
    const { restaurantName } = await readSettings(deps.db, deps.settingsDefaults);
    const { conflict, jobIds } = await decideWith(deps.db, {
      conflictId: conflictId(input.id),
      managerTelegramId: input.managerTelegramId,
      reason: input.reason,
      restaurantName,
    });
    await deps.deliverNow?.(jobIds);
    return { conflict };
  };
  return openApiRoutes<GuestEnv>()
    .openapi(list, async (c) => {
      const body: PhoneConflictListResponse = {
        conflicts: await listPhoneConflicts(deps.db, c.req.valid("query").status),
      };
      c.header("cache-control", "no-store");
      return c.json(body, 200);
    })
    .openapi(resolve, async (c) => {
      const body = await decide(resolvePhoneConflict, {
        id: c.req.valid("param").id,
        reason: c.req.valid("json").reason,
        managerTelegramId: c.get("launch").user.id,
      });
      return c.json(body, 200);
    })
    .openapi(dismiss, async (c) => {
      const body = await decide(dismissPhoneConflict, {
        id: c.req.valid("param").id,
        reason: c.req.valid("json").reason,
        managerTelegramId: c.get("launch").user.id,
      });
      return c.json(body, 200);
    });
}
