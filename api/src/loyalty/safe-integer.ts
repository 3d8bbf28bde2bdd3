/**
 * A bigint column read through raw SQL, as a JS number: postgres.js answers a string, PGlite a number
 * or a bigint. Money and points stay far below 2^53 (shared/src/loyalty.ts, purchaseTotalMax); one
 * that does not is a bug to stop at, never a number to round.
 */
export function safeInteger(value: number | string | bigint): number {
  const number = typeof value === "number" ? value : Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`not a safe integer: ${String(value)}`);
  return number;
}
