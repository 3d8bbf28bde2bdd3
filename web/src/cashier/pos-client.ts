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

/**
 * One `Idempotency-Key` per confirmation (docs/api.md, "Idempotency"): a UUID. `crypto.randomUUID`
 * exists only on HTTPS or localhost, and a till on a shop's network may open the page over plain
 * HTTP, so a version 4 UUID is built from `getRandomValues` (available everywhere) when it is missing.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
