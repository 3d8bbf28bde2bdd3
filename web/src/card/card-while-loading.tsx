import { lazy, type ReactNode, Suspense, useState } from "react";
import { cachedLiveCard, telegramUserIdOf } from "./card-cache";

// The card screen's chunk (with the QR renderer) stays out of the first download; after the first
// visit the browser has it cached, which is exactly when there is a stored card to show.
const CachedCardPreview = lazy(() =>
  import("../screens/card").then((module) => ({ default: module.CachedCardPreview })),
);

/** While the app starts: the stored live card if there is one, else `fallback`. */
export function CardWhileLoading({ rawInitData, fallback }: { rawInitData: string; fallback: ReactNode }) {
  const [cached] = useState(() => {
    const userId = telegramUserIdOf(rawInitData);
    return userId === null ? null : cachedLiveCard(userId);
  });
  if (!cached) return fallback;
  return (
    <Suspense fallback={fallback}>
      <CachedCardPreview cached={cached} />
    </Suspense>
  );
}

/** Whether the app should open straight on the card: the guest has a live one stored. */
export function hasLiveStoredCard(telegramUserId: number): boolean {
  return cachedLiveCard(telegramUserId) !== null;
}
