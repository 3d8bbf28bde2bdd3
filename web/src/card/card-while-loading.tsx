import { lazy, type ReactNode, Suspense, useState } from "react";
import { TelegramReady } from "../components/telegram-ready";
import { cachedLiveCard, telegramUserIdOf } from "./card-cache";

// The card screen's chunk (with the QR renderer) stays out of the first download; after the first
// visit the browser has it cached, which is exactly when there is a stored card to show.
const CachedCardPreview = lazy(() =>
  import("../screens/card").then((module) => ({ default: module.CachedCardPreview })),
);

interface CardWhileLoadingProps {
  rawInitData: string;
  fallback: ReactNode;
  /**
   * `/api/me` failed (no connection, or the server is down): the stored card is shown with a quiet
   * "offline" note instead of an error screen, and `fallback` (the error screen, with its retry)
   * takes over once the card has expired.
   */
  offline?: boolean;
}

/** While the app starts, or when it cannot reach the server: the stored live card if there is one, else `fallback`. */
export function CardWhileLoading({ rawInitData, fallback, offline = false }: CardWhileLoadingProps) {
  const [cached, setCached] = useState(() => {
    const userId = telegramUserIdOf(rawInitData);
    return userId === null ? null : cachedLiveCard(userId);
  });
  if (!cached) return fallback;
  return (
    <Suspense fallback={fallback}>
      <CachedCardPreview
        cached={cached}
        offline={offline}
        onExpired={offline ? () => setCached(null) : undefined}
      />
      <TelegramReady />
    </Suspense>
  );
}

/** Whether the app should open straight on the card: the guest has a live one stored. */
export function hasLiveStoredCard(telegramUserId: number): boolean {
  return cachedLiveCard(telegramUserId) !== null;
}
