import type { CardResponse } from "@guestcard/shared";

/**
 * The last card, kept on the phone so that re-opening the app at the till shows it at once, before
 * (or without) the network. Kept per Telegram user: two accounts on one phone share this storage.
 * Part of the first download, so it imports nothing but types.
 */
export interface CachedCard {
  card: CardResponse;
  /** Server clock minus phone clock when the card arrived: the countdown runs on the server's time. */
  serverOffsetMs: number;
  /** The name printed on the card. */
  holderName: string;
}

const storageKey = (telegramUserId: number) => `guestcard:card:${telegramUserId}`;

export function serverNow(cached: Pick<CachedCard, "serverOffsetMs">): number {
  return Date.now() + cached.serverOffsetMs;
}

export function isLive(cached: CachedCard): boolean {
  return Date.parse(cached.card.expiresAt) > serverNow(cached);
}

export function rememberCard(
  telegramUserId: number,
  card: CardResponse,
  holderName: string,
  receivedAt = Date.now(),
): CachedCard {
  const cached: CachedCard = { card, serverOffsetMs: Date.parse(card.serverTime) - receivedAt, holderName };
  try {
    localStorage.setItem(storageKey(telegramUserId), JSON.stringify(cached));
  } catch {
    // Storage full or disabled (private mode): the card still shows, it just won't survive a reload.
  }
  return cached;
}

export function forgetCard(telegramUserId: number): void {
  try {
    localStorage.removeItem(storageKey(telegramUserId));
  } catch {
    // Nothing stored, nothing to forget.
  }
}

/** The stored card if it is still live; an expired or unreadable one is dropped. */
export function cachedLiveCard(telegramUserId: number): CachedCard | null {
  let cached: CachedCard | null = null;
  try {
    const parsed = JSON.parse(
      localStorage.getItem(storageKey(telegramUserId)) ?? "null",
    ) as CachedCard | null;
    const wellFormed =
      typeof parsed?.card?.code === "string" &&
      typeof parsed.card.pin === "string" &&
      Number.isFinite(Date.parse(parsed.card.expiresAt)) &&
      Number.isFinite(parsed.serverOffsetMs);
    cached = wellFormed ? parsed : null;
  } catch {
    cached = null;
  }
  if (cached && isLive(cached)) return cached;
  forgetCard(telegramUserId);
  return null;
}

/** The Telegram user id inside raw initData, before `/api/me` has answered. */
export function telegramUserIdOf(rawInitData: string): number | null {
  try {
    const id: unknown = JSON.parse(new URLSearchParams(rawInitData).get("user") ?? "null")?.id;
    return typeof id === "number" && Number.isSafeInteger(id) ? id : null;
  } catch {
    return null;
  }
}
