import type { AppType } from "@guestcard/api/app";
import { hc } from "hono/client";

/** The till's POS key and the terminal name the server knows it by, kept in this browser (docs/api.md). */
export interface TillKey {
  key: string;
  terminal: string;
}

const storageKey = "guestcard:pos-key";

export function storedTillKey(): TillKey | null {
  try {
    const stored = JSON.parse(localStorage.getItem(storageKey) ?? "null") as TillKey | null;
    return typeof stored?.key === "string" && typeof stored.terminal === "string" ? stored : null;
  } catch {
    return null;
  }
}

export function storeTillKey(tillKey: TillKey): void {
  localStorage.setItem(storageKey, JSON.stringify(tillKey));
}

export function forgetTillKey(): void {
  localStorage.removeItem(storageKey);
}

/** The POS API, typed from the server's routes, with `Authorization: Bearer <key>`. */
export function createPosClient(key: string) {
  return hc<AppType>(`${window.location.origin}/api`, { headers: { authorization: `Bearer ${key}` } }).pos;
}
