import * as z from "zod/mini";
import { fieldRule } from "./field-errors";
import { sourceCodePattern } from "./sources";
import { multiLineText } from "./text-rules";

/*
 * Broadcasts (docs/api.md, "Broadcasts"): a manager writes to the guests who agreed to offers and
 * news. The contract fixes `POST /api/manager/broadcasts` and `GET /api/manager/broadcasts/{id}`;
 * the preview, the test send, the list and cancelling are ours.
 */

export const broadcastTextMaxLength = 4000;
export const inactiveDaysRange = { min: 1, max: 3650 } as const;

/** Who a broadcast goes to, among the guests with marketing consent and a private chat with the bot. */
export const broadcastSegmentSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("all") }),
  /** Guests whose first touch was this acquisition source. */
  z.object({
    kind: z.literal("source"),
    code: z.string().check(z.regex(sourceCodePattern, fieldRule("invalid"))),
  }),
  /** Guests not identified at a till for at least `days` days (or never). */
  z.object({
    kind: z.literal("inactive"),
    days: z
      .number(fieldRule("wrong_type"))
      .check(
        z.int(fieldRule("wrong_type")),
        z.gte(inactiveDaysRange.min, fieldRule("out_of_range", inactiveDaysRange)),
        z.lte(inactiveDaysRange.max, fieldRule("out_of_range", inactiveDaysRange)),
      ),
  }),
  /** Guests whose birthday falls in the current month (the restaurant's `TIMEZONE`). */
  z.object({ kind: z.literal("birthday_month") }),
  /** Guests in this points tier (by name, as the programme's settings call it). */
  z.object({ kind: z.literal("tier"), name: z.string().check(z.minLength(1, fieldRule("required"))) }),
]);
export type BroadcastSegment = z.infer<typeof broadcastSegmentSchema>;
export type BroadcastSegmentKind = BroadcastSegment["kind"];

/** The message: plain text (never parsed as HTML), and whether it carries a button opening the Mini App. */
const broadcastMessageFields = {
  text: multiLineText({ required: true, maxLength: broadcastTextMaxLength }),
  openAppButton: z._default(z.boolean(), false),
};

/** `POST /api/manager/broadcasts` → 202: freezes the recipient list and queues the sending. */
export const createBroadcastRequestSchema = z.object({
  ...broadcastMessageFields,
  segment: broadcastSegmentSchema,
});
export type CreateBroadcastRequest = z.infer<typeof createBroadcastRequestSchema>;
export type CreateBroadcastInput = z.input<typeof createBroadcastRequestSchema>;

/** `POST /api/manager/broadcasts/test` → 202: the same message, to the manager's own private chat only. */
export const testBroadcastRequestSchema = z.object(broadcastMessageFields);
export type TestBroadcastRequest = z.infer<typeof testBroadcastRequestSchema>;

/** `POST /api/manager/broadcasts/preview` → 200: how many guests a segment reaches now, before sending. */
export const broadcastPreviewRequestSchema = z.object({ segment: broadcastSegmentSchema });
export const broadcastPreviewResponseSchema = z.object({ recipients: z.number() });
export type BroadcastPreviewResponse = z.infer<typeof broadcastPreviewResponseSchema>;

/** The contract's statuses; a cancelled broadcast is `done` with `cancelled: true`. */
export const broadcastStatuses = ["queued", "sending", "done"] as const;
export type BroadcastStatus = (typeof broadcastStatuses)[number];

export const broadcastSchema = z.object({
  id: z.string(),
  status: z.enum(broadcastStatuses),
  /** Frozen when the broadcast was created. */
  recipients: z.number(),
  sent: z.number(),
  /** Telegram answered 403: the guest blocked the bot or deleted their account; not retried. */
  blocked: z.number(),
  /** Gave up after retries. */
  failed: z.number(),
  /**
   * Withdrew consent or deleted their data after the list was frozen, so were not sent (the server
   * always sends it; optional so that older readers stay valid). sent + blocked + failed + skipped
   * = recipients once done (unless cancelled).
   */
  skipped: z.optional(z.number()),
  /** A manager stopped it: recipients not yet sent were not sent. */
  cancelled: z.boolean(),
  text: z.string(),
  openAppButton: z.boolean(),
  segment: broadcastSegmentSchema,
  createdAt: z.string(),
  finishedAt: z.nullable(z.string()),
});
export type Broadcast = z.infer<typeof broadcastSchema>;

/** `POST /api/manager/broadcasts` → 202 (contract: id, status `queued`, recipients; the rest is ours). */
export const broadcastResponseSchema = z.object({ broadcast: broadcastSchema });
export type BroadcastResponse = z.infer<typeof broadcastResponseSchema>;

/** `GET /api/manager/broadcasts` → 200: the history, newest first. */
export const broadcastListResponseSchema = z.object({ broadcasts: z.array(broadcastSchema) });
export type BroadcastListResponse = z.infer<typeof broadcastListResponseSchema>;
