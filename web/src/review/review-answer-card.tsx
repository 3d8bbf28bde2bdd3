import type { ReviewAnswer } from "@guestcard/shared";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { ApiFailure } from "../api";
import { Icon } from "../components/layout";
import { formatDate, useTexts } from "../i18n";
import { useSession } from "../session";
import { haptic } from "../telegram";
import { reviewAnswerCatalogues } from "./review-answer-texts";
import { StarsShown } from "./star-rating";
import "./review.css";

/**
 * What this session last knew, by guest: home mounts again on every return to it, and an answer
 * just marked read must not come back for the moment the request takes.
 */
let remembered: { userId: number; answer: ReviewAnswer | null } | null = null;

/**
 * Home's card for the restaurant's answer to the guest's latest review (docs/decisions/026): the
 * review's date and stars, the first lines of the answer, "read in full" in place, and "mark as
 * read", which is stored on the server — gone after a reload and on the guest's other devices, back
 * when a manager writes again. Home renders it only when `/api/me` says there is an answer; it
 * loads in its own chunk, after home has shown, and a failure to load leaves it out quietly.
 */
export function ReviewAnswerCard() {
  const { me, api, request } = useSession();
  const texts = useTexts();
  const own = reviewAnswerCatalogues[texts.language];
  const userId = me.user.id;
  const [answer, setAnswer] = useState<ReviewAnswer | null>(() =>
    remembered?.userId === userId ? remembered.answer : null,
  );
  const [expanded, setExpanded] = useState(false);
  const [clamped, setClamped] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failed, setFailed] = useState(false);
  const text = useRef<HTMLParagraphElement>(null);

  const show = useCallback(
    (next: ReviewAnswer | null) => {
      remembered = { userId, answer: next };
      setAnswer(next);
    },
    [userId],
  );

  useEffect(() => {
    let current = true;
    request(api.reviews.answer.$get()).then(
      (body) => current && show(body.answer),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [api, request, show]);

  // The replies as one text; "read in full" only when its first lines are not all of it,
  // measured while they are cut.
  const answerText = answer?.replies.map((reply) => reply.text).join("\n\n") ?? null;
  useLayoutEffect(() => {
    const element = text.current;
    if (element && answerText !== null && !expanded)
      setClamped(element.scrollHeight > element.clientHeight + 1);
  }, [answerText, expanded]);

  if (!answer || answerText === null) return null;

  async function markRead(seen: ReviewAnswer) {
    setSaving(true);
    setFailed(false);
    try {
      const body = await request(
        api.reviews.answer.read.$post({ json: { replyIds: seen.replies.map((reply) => reply.id) } }),
      );
      haptic.success();
      setExpanded(false);
      // Usually null; a reply that came while the guest was reading is shown now.
      show(body.answer);
    } catch (caught) {
      if (!(caught instanceof ApiFailure)) throw caught;
      // Gone meanwhile (the guest deleted their data on another device): nothing left to show.
      if (caught.status === 404) show(null);
      else if (caught.status !== 401) {
        haptic.error();
        setFailed(true);
      }
    } finally {
      setSaving(false);
    }
  }

  const { review } = answer;
  return (
    <section className="review-answer" aria-labelledby="review-answer-title" data-review-answer={review.id}>
      <div className="review-answer-head">
        <span className="review-answer-icon">
          <Icon name="review" />
        </span>
        <span className="review-answer-heading">
          <h2 id="review-answer-title" className="review-answer-title">
            {own.title}
          </h2>
          <span className="review-answer-about">
            {review.rating !== null && <StarsShown rating={review.rating} />}
            <time dateTime={review.createdAt}>{own.yourReview(formatDate(texts, review.createdAt))}</time>
          </span>
        </span>
      </div>
      <p
        id="review-answer-text"
        ref={text}
        className={`review-answer-text${expanded ? "" : " review-answer-text-clamped"}`}
      >
        {answerText}
      </p>
      <div className="review-answer-actions">
        {clamped && (
          <button
            type="button"
            className="review-answer-action"
            aria-expanded={expanded}
            aria-controls="review-answer-text"
            onClick={() => setExpanded((open) => !open)}
          >
            {expanded ? own.readLess : own.readInFull}
          </button>
        )}
        <button
          type="button"
          className="review-answer-action review-answer-done"
          disabled={saving}
          onClick={() => void markRead(answer)}
        >
          {own.markRead}
        </button>
      </div>
      {failed && (
        <p className="review-answer-failed" role="alert">
          {own.markReadFailed}
        </p>
      )}
    </section>
  );
}
