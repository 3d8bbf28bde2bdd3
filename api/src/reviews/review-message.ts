import { readablePhone } from "../guests/phone";
import { escapeHtml, userLink } from "../telegram/html";
import { htmlMessageParts } from "../telegram/message-parts";
import type { ReviewTexts } from "./review-texts";

/** Who wrote a review, as the managers' chat shows them. */
export interface ReviewAuthor {
  telegramUserId: number;
  /** The loyalty account's full name when the guest is registered, else their Telegram name. */
  fullName: string;
  username: string | null;
  phone: string | null;
}

/** The rating as stars a glance can read, and as a number a search can find: `★★★★☆ 4/5`. */
export function ratingStars(rating: number | null, texts: ReviewTexts): string {
  if (rating === null) return texts.noRating;
  return `${"★".repeat(rating)}${"☆".repeat(5 - rating)} ${rating}/5`;
}

function authorLink(author: ReviewAuthor): string {
  const username = author.username ? ` @${escapeHtml(author.username)}` : "";
  return `${userLink(author.telegramUserId, author.fullName || String(author.telegramUserId))}${username}`;
}

/**
 * The review as it lands in the managers' chat (README.md, Reviews): the guest's name as a link to their
 * profile, their @username, the phone (plain text, so Telegram offers to call it), the rating and the
 * text. Every user-supplied string is escaped. A text that would pass Telegram's limit comes whole,
 * over several messages, each saying which part it is.
 */
export function reviewMessageParts(
  review: { author: ReviewAuthor; rating: number | null; text: string },
  texts: ReviewTexts,
): string[] {
  const { author } = review;
  return htmlMessageParts({
    header: (partNumber, partCount) => {
      if (partNumber > 1) return `${texts.reviewPart(partNumber, partCount)} · ${authorLink(author)}`;
      const lines = [
        `${texts.newReview} · ${ratingStars(review.rating, texts)}`,
        `${texts.guest}: ${authorLink(author)}`,
        `${texts.phone}: ${author.phone ? escapeHtml(readablePhone(author.phone)) : texts.noPhone}`,
      ];
      if (partCount > 1) lines.push(texts.continued(1, partCount));
      return lines.join("\n");
    },
    body: review.text,
  });
}

/** A manager's reply as the guest receives it privately, quoting the start of their review. */
export function managerReplyParts(
  reply: { restaurantName: string; reviewText: string; text: string },
  texts: ReviewTexts,
): string[] {
  // Code points, not UTF-16 units: a cut through an emoji would leave half of it, which Telegram refuses.
  const reviewCharacters = Array.from(reply.reviewText);
  const quoteLength = 200;
  const quoted =
    reviewCharacters.length > quoteLength
      ? `${reviewCharacters.slice(0, quoteLength).join("").trimEnd()}…`
      : reply.reviewText;
  return htmlMessageParts({
    header: (partNumber, partCount) => {
      const heading = texts.replyFrom(escapeHtml(reply.restaurantName));
      const part = partCount > 1 ? `\n${texts.continued(partNumber, partCount)}` : "";
      if (partNumber > 1) return `${heading}${part}`;
      return `${heading}\n<blockquote>${escapeHtml(quoted)}</blockquote>\n${texts.replyHint}${part}`;
    },
    body: reply.text,
  });
}

/** The guest's answer as it lands in the managers' chat, replying to the review. */
export function guestAnswerParts(
  answer: { author: ReviewAuthor; text: string },
  texts: ReviewTexts,
): string[] {
  return htmlMessageParts({
    header: (partNumber, partCount) =>
      `${texts.guestAnswer} · ${authorLink(answer.author)}` +
      (partCount > 1 ? `\n${texts.continued(partNumber, partCount)}` : ""),
    body: answer.text,
  });
}
