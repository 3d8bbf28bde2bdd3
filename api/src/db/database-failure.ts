/**
 * Whether an error means "the database could not do it now" — it is down, restarting, unreachable,
 * frozen past our timeouts, out of connections, or the statement was cancelled — as opposed to a
 * fault in the request or in our code. The same request may well succeed a moment later: the API
 * answers `503 unavailable` with `Retry-After`, and the bot leaves the update unrecorded, so
 * Telegram delivers it again.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // drizzle wraps a driver's error ("Failed query: …") and keeps it as `cause`.
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && unavailableCode(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** postgres.js' own connection errors, and Node's network errors under them. */
const driverCodes = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** SQLSTATEs that say the server cannot serve now, not that the statement is wrong. */
const serverCodes = new Set([
  "57P01", // admin_shutdown: the server is stopping (or an operator ended our session)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up or in recovery
  "57014", // query_canceled: statement_timeout
  "53300", // too_many_connections
  "40001", // serialization_failure: the same transaction may simply be run again
  "40P01", // deadlock_detected: likewise
]);

function unavailableCode(code: string): boolean {
  // Class 08: connection exceptions.
  return driverCodes.has(code) || serverCodes.has(code) || /^08[0-9A-Z]{3}$/.test(code);
}
