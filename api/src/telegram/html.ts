import { escapeToBuffer } from "hono/utils/html";

/**
 * Escapes a user-supplied string for a Telegram message sent with `parse_mode: "HTML"`.
 * Hono's escaper (the one its `html` template uses) turns `& < > " '` into entities; Telegram
 * accepts `&amp; &lt; &gt; &quot;` and numeric entities such as `&#39;`, so the result is safe both
 * as text and inside a quoted attribute (`<a href="…">`).
 */
export function escapeHtml(text: string): string {
  const buffer: [string] = [""];
  escapeToBuffer(text, buffer);
  return buffer[0];
}

/** A mention that opens the user's Telegram profile: `<a href="tg://user?id=ID">Name</a>`, name escaped. */
export function userLink(telegramUserId: number, name: string): string {
  return `<a href="tg://user?id=${Math.trunc(telegramUserId)}">${escapeHtml(name)}</a>`;
}
