/**
 * The review being written, kept on the phone: Telegram may close the Mini App at any moment (a
 * swipe, a call), and a guest who comes back finds their text and stars where they left them.
 * Per Telegram user, so two people sharing a phone never see each other's drafts.
 */
export interface ReviewDraft {
  text: string;
  rating: number | null;
}

const storageKey = (telegramUserId: number) => `guestcard.review-draft.${telegramUserId}`;

export function loadDraft(telegramUserId: number): ReviewDraft {
  try {
    const stored = JSON.parse(
      localStorage.getItem(storageKey(telegramUserId)) ?? "null",
    ) as Partial<ReviewDraft> | null;
    const rating = stored?.rating;
    return {
      text: typeof stored?.text === "string" ? stored.text : "",
      rating:
        typeof rating === "number" && Number.isInteger(rating) && rating >= 1 && rating <= 5 ? rating : null,
    };
  } catch {
    // Storage blocked (private mode) or a damaged entry: start empty rather than fail.
    return { text: "", rating: null };
  }
}

export function saveDraft(telegramUserId: number, draft: ReviewDraft): void {
  try {
    if (draft.text === "" && draft.rating === null) localStorage.removeItem(storageKey(telegramUserId));
    else localStorage.setItem(storageKey(telegramUserId), JSON.stringify(draft));
  } catch {
    // A full or blocked storage only costs the draft, never the review.
  }
}

export function clearDraft(telegramUserId: number): void {
  saveDraft(telegramUserId, { text: "", rating: null });
}
