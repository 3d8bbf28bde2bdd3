/** A refusal or failure the operator can act on: the command prints its message alone and exits 1. */
export class OperatorError extends Error {}

/** `postgres://user:secret@host/db` → the URL without its password, and the password (for PGPASSWORD). */
export function splitPassword(url: string): { url: string; password: string | undefined } {
  const parsed = new URL(url);
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  parsed.password = "";
  return { url: parsed.toString(), password };
}

/** The URL as it may be printed: no password. */
export function printableUrl(url: string): string {
  return splitPassword(url).url;
}
