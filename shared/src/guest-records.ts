import * as z from "zod/mini";
import { fieldRule } from "./field-errors";
import { genders } from "./me";
import { consentRecordSchema, consentStateSchema } from "./my-data";
import { multiLineText } from "./text-rules";

/*
 * Guest records and phone conflicts, for managers (docs/api.md, "Manager"): find a guest by phone or
 * name, read their record, and decide the conflicts the bot reports when a shared phone belongs to an
 * account another Telegram user holds.
 */

export const guestSearchQueryMaxLength = 100;
/** How many guests a search answers with at most. */
export const guestSearchLimit = 20;

/** `GET /api/manager/guests?q=`: a phone in any spelling, or words of a name. */
export const guestSearchQuerySchema = z.object({
  q: z
    .string(fieldRule("required"))
    .check(
      z.trim(),
      z.minLength(2, fieldRule("too_short", { min: 2 })),
      z.maxLength(guestSearchQueryMaxLength, fieldRule("too_long")),
    ),
});
export type GuestSearchQuery = z.infer<typeof guestSearchQuerySchema>;

export const guestSummarySchema = z.object({
  accountId: z.string(),
  lastName: z.string(),
  firstName: z.string(),
  middleName: z.nullable(z.string()),
  /** Managers see the phone whole (E.164). */
  phone: z.string(),
  registeredAt: z.string(),
});
export type GuestSummary = z.infer<typeof guestSummarySchema>;

export const guestSearchResponseSchema = z.object({ guests: z.array(guestSummarySchema) });
export type GuestSearchResponse = z.infer<typeof guestSearchResponseSchema>;

/** Any text: an id that names no guest is a 404, not a 422. */
export const accountIdParamsSchema = z.object({ accountId: z.string() });

/** A Telegram user as a manager sees them: enough to recognise and to write to them. */
export const telegramPersonSchema = z.object({
  id: z.number(),
  firstName: z.string(),
  lastName: z.nullable(z.string()),
  username: z.nullable(z.string()),
});
export type TelegramPerson = z.infer<typeof telegramPersonSchema>;

export const guestRecordReviewSchema = z.object({
  id: z.string(),
  rating: z.nullable(z.number()),
  text: z.string(),
  createdAt: z.string(),
  /** The conversation after it: managers' replies and the guest's answers, oldest first. */
  replies: z.array(
    z.object({ author: z.enum(["manager", "guest"]), text: z.string(), createdAt: z.string() }),
  ),
});
export type GuestRecordReview = z.infer<typeof guestRecordReviewSchema>;

/** `GET /api/manager/guests/{accountId}`: the guest's record. */
export const guestRecordSchema = z.object({
  accountId: z.string(),
  lastName: z.string(),
  firstName: z.string(),
  middleName: z.nullable(z.string()),
  gender: z.nullable(z.enum(genders)),
  birthday: z.nullable(z.string()),
  email: z.nullable(z.string()),
  phone: z.string(),
  registeredAt: z.string(),
  /** `registration`: the guest registered in the Mini App; `import`: from the restaurant's guest base. */
  origin: z.enum(["registration", "import"]),
  /** The acquisition source the linked Telegram user first came through; null when unknown. */
  source: z.nullable(z.object({ code: z.string(), name: z.string() })),
  /** The Telegram user holding the account; null for a known guest who has not opened the bot yet. */
  telegram: z.nullable(telegramPersonSchema),
  consents: z.object({
    personalData: consentStateSchema,
    marketing: consentStateSchema,
    history: z.array(consentRecordSchema),
  }),
  cardsIssued: z.number(),
  /** The last time a till identified the guest's card; null if never. */
  lastVisitAt: z.nullable(z.string()),
  reviews: z.array(guestRecordReviewSchema),
  /** Open phone conflicts about this account. */
  openConflicts: z.number(),
});
export type GuestRecord = z.infer<typeof guestRecordSchema>;

export const guestRecordResponseSchema = z.object({ guest: guestRecordSchema });
export type GuestRecordResponse = z.infer<typeof guestRecordResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Phone conflicts.

export const phoneConflictStatuses = ["open", "resolved", "dismissed"] as const;
export type PhoneConflictStatus = (typeof phoneConflictStatuses)[number];

export const phoneConflictSchema = z.object({
  id: z.number(),
  status: z.enum(phoneConflictStatuses),
  /** The shared phone (E.164): the account's. */
  phone: z.string(),
  createdAt: z.string(),
  /** The account with that phone; null once it was deleted. */
  account: z.nullable(guestSummarySchema),
  /** Who held the account when the conflict arose. */
  holder: z.nullable(telegramPersonSchema),
  /** Who shared the phone and found it taken. */
  claimant: telegramPersonSchema,
  decidedAt: z.nullable(z.string()),
  reason: z.nullable(z.string()),
});
export type PhoneConflict = z.infer<typeof phoneConflictSchema>;

/** `GET /api/manager/phone-conflicts?status=`: open ones by default, newest first. */
export const phoneConflictListQuerySchema = z.object({
  status: z._default(z.enum([...phoneConflictStatuses, "all"], fieldRule("invalid")), "open"),
});
export const phoneConflictListResponseSchema = z.object({ conflicts: z.array(phoneConflictSchema) });
export type PhoneConflictListResponse = z.infer<typeof phoneConflictListResponseSchema>;

/** Any text: an id that names no conflict is a 404, not a 422. */
export const conflictIdParamsSchema = z.object({ id: z.string() });

export const conflictReasonMaxLength = 500;

/** `POST /api/manager/phone-conflicts/{id}/resolve` and `/dismiss`: always with a reason. */
export const phoneConflictDecisionRequestSchema = z.object({
  reason: multiLineText({ required: true, maxLength: conflictReasonMaxLength }),
});
export type PhoneConflictDecisionRequest = z.infer<typeof phoneConflictDecisionRequestSchema>;

export const phoneConflictResponseSchema = z.object({ conflict: phoneConflictSchema });
export type PhoneConflictResponse = z.infer<typeof phoneConflictResponseSchema>;

/** The Mini App's `startapp` parameter that opens a conflict for a manager: `conflict-<id>`. */
export const conflictStartParamPattern = /^conflict-([1-9]\d{0,15})$/;
export function conflictStartParam(id: number): string {
  return `conflict-${id}`;
}
