import { eq, sql } from "drizzle-orm";
import type { Api } from "grammy";
import { restaurantLanguage } from "../bot/texts";
import type { Database } from "../db/client";
import { reviewReplies, reviews } from "../db/schema";
import type { GroupPacing } from "../outbox/group-pacing";
import type { OutboxHandler } from "../outbox/outbox";
import { sendMessageParts, type TelegramDelivery } from "../outbox/send-message-parts";
import { readSettings, type SettingsDefaults } from "../settings/settings";
import { loadReply, recordReviewMessage } from "./conversation";
import { guestAnswerParts, managerReplyParts, reviewMessageParts } from "./review-message";
import { reviewTextsFor } from "./review-texts";
import { loadReviewWithAuthor, reviewJobKinds } from "./reviews";

export interface ReviewDeliveryDeps {
  db: Database;
  /** A grammY `Api` without auto-retry: the outbox worker owns retries. */
  api: Api;
  pacing: GroupPacing;
  /** Unset: reviews are stored and wait; no handler claims them until it is set. */
  managerChatId: number | undefined;
  settingsDefaults: SettingsDefaults;
}

/** The managers' chat reads the restaurant's own language. */
const managersTexts = reviewTextsFor(restaurantLanguage);

/**
 * The outbox handlers of the review conversation, by job kind. Without a managers' chat only the
 * replies to guests can go anywhere; reviews and guests' answers stay pending until one is set.
 */
export function reviewDeliveryHandlers(deps: ReviewDeliveryDeps): Record<string, OutboxHandler> {
  const delivery: TelegramDelivery = { db: deps.db, api: deps.api, pacing: deps.pacing };
  const handlers: Record<string, OutboxHandler> = {
    [reviewJobKinds.replyToGuest]: async (job, context) => {
      const found = await loadReply(deps.db, Number(job.payload.replyId));
      if (!found) return { result: { skipped: "reply or review deleted" } };
      const { reply, review } = found;
      const guestChatId = review.telegramUserId;
      const loaded = await loadReviewWithAuthor(deps.db, review.id);
      const { restaurantName } = await readSettings(deps.db, deps.settingsDefaults);
      const parts = managerReplyParts(
        { restaurantName, reviewText: review.text, text: reply.text },
        reviewTextsFor(loaded?.guestLanguageCode),
      );
      const messageIds = await sendMessageParts(
        delivery,
        job,
        context,
        { chatId: guestChatId, parts },
        (messageId) =>
          recordReviewMessage(deps.db, {
            chatId: guestChatId,
            messageId,
            reviewId: review.id,
            kind: "manager_reply",
          }),
      );
      return {
        result: { chatId: guestChatId, messageIds },
        onDone: async (tx) => {
          await tx
            .update(reviewReplies)
            .set({ deliveredAt: sql`now()` })
            .where(eq(reviewReplies.id, reply.id));
        },
      };
    },
  };

  const managerChatId = deps.managerChatId;
  if (managerChatId === undefined) return handlers;

  handlers[reviewJobKinds.deliverReview] = async (job, context) => {
    const reviewId = String(job.payload.reviewId);
    const loaded = await loadReviewWithAuthor(deps.db, reviewId);
    // The guest deleted their data before delivery: there is nothing left to deliver.
    if (!loaded) return { result: { skipped: "review deleted" } };
    const parts = reviewMessageParts(
      { author: loaded.author, rating: loaded.review.rating, text: loaded.review.text },
      managersTexts,
    );
    const messageIds = await sendMessageParts(
      delivery,
      job,
      context,
      { chatId: managerChatId, parts, holdKindWhenPaced: true },
      (messageId) =>
        recordReviewMessage(deps.db, { chatId: managerChatId, messageId, reviewId, kind: "review" }),
    );
    return {
      result: { chatId: managerChatId, messageIds },
      onDone: async (tx) => {
        await tx
          .update(reviews)
          .set({ deliveredAt: sql`now()`, managerChatId, managerMessageIds: messageIds })
          .where(eq(reviews.id, reviewId));
      },
    };
  };

  handlers[reviewJobKinds.answerToManagers] = async (job, context) => {
    const found = await loadReply(deps.db, Number(job.payload.replyId));
    if (!found) return { result: { skipped: "reply or review deleted" } };
    const { reply, review } = found;
    const loaded = await loadReviewWithAuthor(deps.db, review.id);
    if (!loaded) return { result: { skipped: "review deleted" } };
    const parts = guestAnswerParts({ author: loaded.author, text: reply.text }, managersTexts);
    // A thread in the managers' chat: the answer replies to the review it is about.
    const reviewMessageId =
      review.managerChatId === managerChatId ? (review.managerMessageIds?.[0] ?? undefined) : undefined;
    const messageIds = await sendMessageParts(
      delivery,
      job,
      context,
      { chatId: managerChatId, parts, replyToMessageId: reviewMessageId },
      (messageId) =>
        recordReviewMessage(deps.db, {
          chatId: managerChatId,
          messageId,
          reviewId: review.id,
          kind: "guest_answer",
        }),
    );
    return {
      result: { chatId: managerChatId, messageIds },
      onDone: async (tx) => {
        await tx.update(reviewReplies).set({ deliveredAt: sql`now()` }).where(eq(reviewReplies.id, reply.id));
      },
    };
  };
  return handlers;
}
