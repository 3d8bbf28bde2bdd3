import {
  type FieldError,
  type GuestReview,
  issuesToFields,
  reviewRequestSchema,
  reviewTextMaxLength,
} from "@guestcard/shared";
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiFailure } from "../api";
import { Icon, Notice, Page, Section } from "../components/layout";
import { useMainButton } from "../hooks/use-main-button";
import { type Catalogue, fieldErrorText, useTexts } from "../i18n";
import { useNavigation } from "../navigation-context";
import { clearDraft, loadDraft, saveDraft } from "../review/review-draft";
import { ReviewHistory } from "../review/review-history";
import { StarRating } from "../review/star-rating";
import { useSession } from "../session";
import { haptic } from "../telegram";
import "../review/review.css";

/** The counter warns from here on, so the limit never comes as a surprise. */
const nearLimit = reviewTextMaxLength - 200;

/** The review text's error in the guest's language; an empty or too long review has words of its own. */
function reviewFieldError(texts: Catalogue, error: FieldError | undefined): string {
  if (!error) return fieldErrorText(texts.fieldErrors, { code: "invalid" });
  if (error.code === "required") return texts.reviewTextRequired;
  if (error.code === "too_long") return texts.reviewTextTooLong(reviewTextMaxLength);
  return fieldErrorText(texts.fieldErrors, error);
}

/**
 * Write a review: optional stars, a text with a counter, and the MainButton sends it. The draft is
 * saved on the phone as it is typed, so closing the app loses nothing; it is cleared only once the
 * server has stored the review (202). Below: the guest's earlier reviews and whether the
 * managers answered.
 */
export function ReviewScreen() {
  const { me, api, request } = useSession();
  const texts = useTexts();
  const { back } = useNavigation();
  const userId = me.user.id;

  const [draft, setDraft] = useState(() => loadDraft(userId));
  const [error, setError] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState(false);
  const [history, setHistory] = useState<GuestReview[]>([]);
  // Guards the gap between a tap and the re-render that shows the spinner: one tap, one review.
  const inFlight = useRef(false);
  const textArea = useRef<HTMLTextAreaElement>(null);

  useEffect(() => saveDraft(userId, draft), [userId, draft]);

  const loadHistory = useCallback(async () => {
    try {
      setHistory((await request(api.reviews.$get())).reviews);
    } catch {
      // The list is a courtesy; writing a review works without it.
    }
  }, [api, request]);
  useEffect(() => {
    void loadHistory();
  }, [loadHistory]);

  async function send() {
    if (inFlight.current) return;
    setFailure(null);
    const parsed = reviewRequestSchema.safeParse({ text: draft.text, rating: draft.rating });
    if (!parsed.success) {
      setError(reviewFieldError(texts, issuesToFields(parsed.error.issues).text));
      haptic.error();
      textArea.current?.focus();
      return;
    }
    setError(null);
    inFlight.current = true;
    setSending(true);
    try {
      await request(api.reviews.$post({ json: parsed.data }));
      haptic.success();
      clearDraft(userId);
      setDraft({ text: "", rating: null });
      setSent(true);
      void loadHistory();
    } catch (caught) {
      if (!(caught instanceof ApiFailure)) throw caught;
      haptic.error();
      if (caught.code === "validation_failed") setError(reviewFieldError(texts, caught.fieldErrors.text));
      else if (caught.code === "too_many_requests") setFailure(texts.reviewTooMany);
      else if (caught.status !== 401) setFailure(caught.isNetwork ? texts.reviewOffline : texts.crashText);
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  }

  // Stars alone are not a review (docs/api.md: the text is 1–4000 characters), but a guest who gave
  // them can still tap Send and is told, by the text field, what is missing — never a button that
  // silently does nothing.
  const started = draft.text.trim() !== "" || draft.rating !== null;
  useMainButton(
    sent
      ? { text: texts.reviewDone, onClick: back }
      : { text: texts.reviewSend, onClick: () => void send(), enabled: started, loading: sending },
  );

  if (sent) {
    return (
      <Page>
        <div className="review-sent" role="status">
          <div className="review-sent-icon" aria-hidden="true">
            <svg
              aria-hidden="true"
              viewBox="0 0 24 24"
              width="40"
              height="40"
              fill="none"
              stroke="currentColor"
              strokeWidth="2.2"
            >
              <path d="M5 12.5l4.5 4.5L19 7.5" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </div>
          <h1 className="page-title">{texts.reviewSentTitle}</h1>
          <p className="page-intro">{texts.reviewSentText}</p>
          <button type="button" className="button button-plain" onClick={() => setSent(false)}>
            {texts.reviewWriteAnother}
          </button>
        </div>
        <ReviewHistory reviews={history} demo={me.demo} />
      </Page>
    );
  }

  const length = draft.text.length;
  return (
    <Page title={texts.reviewTitle} intro={texts.reviewIntro}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
      >
        <Section header={`${texts.reviewRatingLabel} · ${texts.optional}`}>
          <div className="review-rating-cell">
            <StarRating
              value={draft.rating}
              onChange={(rating) => setDraft((current) => ({ ...current, rating }))}
            />
          </div>
        </Section>
        <Section footer={texts.reviewDraftHint}>
          <label className="input-cell review-text-cell" data-invalid={error !== null || undefined}>
            <span className="input-label">{texts.reviewTextLabel}</span>
            <textarea
              ref={textArea}
              name="text"
              rows={6}
              maxLength={reviewTextMaxLength}
              placeholder={texts.reviewPlaceholder}
              aria-invalid={error !== null}
              aria-describedby="review-counter"
              value={draft.text}
              onChange={(event) => {
                const text = event.target.value;
                setDraft((current) => ({ ...current, text }));
                if (error && text.trim() !== "") setError(null);
              }}
            />
            <span className="review-text-footer">
              {error ? (
                <span className="field-error" role="alert">
                  {error}
                </span>
              ) : (
                <span />
              )}
              <span
                id="review-counter"
                className={`review-counter${length >= nearLimit ? " review-counter-near" : ""}`}
                aria-live={length >= nearLimit ? "polite" : "off"}
              >
                {texts.reviewCounter(length, reviewTextMaxLength)}
              </span>
            </span>
          </label>
        </Section>
        {failure && <Notice tone="error">{failure}</Notice>}
        <button type="submit" hidden />
      </form>
      {me.demo && (
        <p className="review-demo-hint">
          <Icon name="review" />
          <a href="/demo/managers-chat" target="_blank" rel="noreferrer">
            {texts.reviewDemoChatLong}
          </a>
        </p>
      )}
      <ReviewHistory reviews={history} demo={me.demo} />
    </Page>
  );
}
