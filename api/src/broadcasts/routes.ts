import {
  type BroadcastListResponse,
  type BroadcastPreviewResponse,
  type BroadcastResponse,
  broadcastListResponseSchema,
  broadcastPreviewRequestSchema,
  broadcastPreviewResponseSchema,
  broadcastResponseSchema,
  createBroadcastRequestSchema,
  testBroadcastRequestSchema,
} from "@guestcard/shared";
import * as z from "zod/mini";
import type { Database } from "../db/client";
import { type GuestEnv, openApiRoutes, type RouteGroup } from "../http/route-groups";
import { jsonRequestBody, jsonResponse, routeParameters } from "../http/route-schema";
import {
  cancelBroadcast,
  createBroadcast,
  enqueueTestBroadcast,
  listBroadcasts,
  readBroadcast,
  toBroadcastDto,
} from "./broadcasts";
import { countRecipients, monthIn } from "./recipients";

export interface BroadcastRouteDeps {
  db: Database;
  /** The restaurant's time zone (TIMEZONE): "birthdays this month" is this month there. */
  timeZone: string;
  /** PUBLIC_URL + "/", for the test send's Open the card button. */
  miniAppUrl: string | undefined;
  /** A broadcast was created: start sending now rather than at the next poll. */
  onBroadcastCreated?: () => void;
  /** Delivers the test send's outbox job now (the bot's message worker); managers/routes.ts. */
  deliverNow?: (jobIds: readonly number[]) => Promise<void>;
}

/** Any text: an id that names no broadcast (or is not a uuid) is a 404, not a 422. */
const broadcastParams = z.object({ id: z.string() });

/** `/api/manager/broadcasts` (docs/api.md, "Broadcasts"), mounted in the manager group. */
export function broadcastRoutes(group: RouteGroup<GuestEnv>, deps: BroadcastRouteDeps) {
  const create = group.route({
    method: "post",
    path: "/",
    summary: "Send a message to the consenting guests of a segment",
    description:
      "Freezes the recipient list (registered guests with marketing consent and a private chat with the bot, in the segment) and queues the sending. Plain text, with an Unsubscribe button.",
    request: { body: jsonRequestBody(createBroadcastRequestSchema) },
    responses: { 202: jsonResponse("Created and queued", broadcastResponseSchema) },
  });
  const list = group.route({
    method: "get",
    path: "/",
    summary: "The broadcasts, newest first, with their counts",
    responses: { 200: jsonResponse("The history", broadcastListResponseSchema) },
  });
  const preview = group.route({
    method: "post",
    path: "/preview",
    summary: "How many guests a segment reaches now",
    request: { body: jsonRequestBody(broadcastPreviewRequestSchema) },
    responses: { 200: jsonResponse("The count", broadcastPreviewResponseSchema) },
  });
  const test = group.route({
    method: "post",
    path: "/test",
    summary: "Send the message to the calling manager's own private chat only",
    request: { body: jsonRequestBody(testBroadcastRequestSchema) },
    responses: { 202: jsonResponse("Queued", z.object({ queued: z.literal(true) })) },
  });
  const read = group.route({
    method: "get",
    path: "/{id}",
    summary: "One broadcast and its progress",
    request: { params: routeParameters(broadcastParams) },
    responses: { 200: jsonResponse("The broadcast", broadcastResponseSchema) },
    errors: ["not_found"],
  });
  const cancel = group.route({
    method: "post",
    path: "/{id}/cancel",
    summary: "Stop a broadcast: the guests not yet sent are not sent",
    request: { params: routeParameters(broadcastParams) },
    responses: { 200: jsonResponse("The broadcast, done and cancelled", broadcastResponseSchema) },
    errors: ["not_found"],
  });
  return openApiRoutes<GuestEnv>()
    .openapi(create, async (c) => {
      const row = await createBroadcast(deps.db, c.req.valid("json"), {
        month: monthIn(deps.timeZone),
        managerTelegramId: c.get("launch").user.id,
      });
      deps.onBroadcastCreated?.();
      const body: BroadcastResponse = { broadcast: toBroadcastDto(row) };
      return c.json(body, 202);
    })
    .openapi(list, async (c) => {
      const rows = await listBroadcasts(deps.db);
      const body: BroadcastListResponse = { broadcasts: rows.map(toBroadcastDto) };
      return c.json(body, 200);
    })
    .openapi(preview, async (c) => {
      const { segment } = c.req.valid("json");
      const body: BroadcastPreviewResponse = {
        recipients: await countRecipients(deps.db, segment, { month: monthIn(deps.timeZone) }),
      };
      return c.json(body, 200);
    })
    .openapi(test, async (c) => {
      const { user } = c.get("launch");
      const jobId = await enqueueTestBroadcast(
        deps.db,
        c.req.valid("json"),
        { telegramId: user.id, languageCode: user.languageCode },
        deps.miniAppUrl,
      );
      void deps.deliverNow?.([jobId]);
      return c.json({ queued: true as const }, 202);
    })
    .openapi(read, async (c) => {
      const body: BroadcastResponse = {
        broadcast: toBroadcastDto(await readBroadcast(deps.db, c.req.valid("param").id)),
      };
      return c.json(body, 200);
    })
    .openapi(cancel, async (c) => {
      const body: BroadcastResponse = {
        broadcast: toBroadcastDto(await cancelBroadcast(deps.db, c.req.valid("param").id)),
      };
      return c.json(body, 200);
    });
}
