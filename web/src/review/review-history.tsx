import type { GuestReview } from "@guestcard/shared";
import { Section } from "../components/layout";
import { formatDate, useTexts } from "../i18n";
import { StarsShown } from "./star-rating";

/** The guest's past reviews, newest first, each with whether the managers have it and have answered. */
export function ReviewHistory({ reviews, demo }: { reviews: GuestReview[]; demo: boolean }) {
  const texts = useTexts();
  if (reviews.length === 0) return null;
  return (
    <Section header={texts.reviewHistory}>
      {reviews.map((review) => (
        <article key={review.id} className="review-item" data-review-id={review.id}>
          <div className="review-item-top">
            {review.rating !== null && <StarsShown rating={review.rating} />}
            <time className="review-item-date" dateTime={review.createdAt}>
              {formatDate(texts, review.createdAt)}
            </time>
          </div>
          <p className="review-item-text">{review.text}</p>
          {review.replies.map((reply) => (
            <div key={reply.id} className={`review-reply review-reply-${reply.author}`}>
              <span className="review-reply-author">
                {reply.author === "manager" ? texts.reviewReplyFromRestaurant : texts.reviewReplyFromYou}
              </span>
              {reply.text}
            </div>
          ))}
          <ReviewStatus review={review} demo={demo} />
        </article>
      ))}
    </Section>
  );
}

function ReviewStatus({ review, demo }: { review: GuestReview; demo: boolean }) {
  const texts = useTexts();
  if (review.answered)
    return <span className="review-status review-status-answered">{texts.reviewAnswered}</span>;
  if (review.delivered) return <span className="review-status">{texts.reviewNotAnswered}</span>;
  // Demo mode has no Telegram: the review waits in the database, and the demo chat page shows it.
  if (demo)
    return (
      <a
        className="review-status review-status-link"
        href="/demo/managers-chat"
        target="_blank"
        rel="noreferrer"
      >
        {texts.reviewDemoChat}
      </a>
    );
  return <span className="review-status">{texts.reviewOnItsWay}</span>;
}
