/**
 * The source a manager opened from the list. The app's navigator moves between screens without
 * parameters (the URL carries Telegram's launch data and is left alone), so the choice waits here.
 */
let openedSourceId: number | null = null;

export function openSource(id: number): void {
  openedSourceId = id;
}

export function openedSource(): number | null {
  return openedSourceId;
}

/** The broadcast a manager opened from the history, waiting for its screen like a source does. */
let openedBroadcastId: string | null = null;

export function openBroadcast(id: string): void {
  openedBroadcastId = id;
}

export function openedBroadcast(): string | null {
  return openedBroadcastId;
}

/** The guest a manager opened (from the search, or from a conflict); see `openSource`. */
let openedGuestId: string | null = null;

export function openGuest(accountId: string): void {
  openedGuestId = accountId;
}

export function openedGuest(): string | null {
  return openedGuestId;
}

/** The phone conflict a manager opened (from the list, or from the alert's `startapp=conflict-<id>` link). */
let openedConflictId: number | null = null;

export function openConflict(id: number): void {
  openedConflictId = id;
}

export function openedConflict(): number | null {
  return openedConflictId;
}
