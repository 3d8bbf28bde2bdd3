import { randomBytes, randomInt } from "node:crypto";
import { fieldErrorMessage, issuesToFields, multiLineText } from "@guestcard/shared";
import { asc, inArray } from "drizzle-orm";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { html, raw } from "hono/html";
import { safeParse } from "zod/v4/core";
import { restaurantLanguage } from "../bot/texts";
import type { Database } from "../db/client";
import { reviewReplies } from "../db/schema";
import { guestAnswerParts, reviewMessageParts } from "./review-message";
import { reviewTextsFor } from "./review-texts";
import { latestReviewIds, loadReviewWithAuthor } from "./reviews";

/** Telegram's limit for one message, which is what a manager's reply is. */
const managerReplyText = multiLineText({ required: false, maxLength: 4096 });

/** Telegram's chat id for the demo's stand-in managers' chat: no real chat has id 0. */
const demoChatId = 0;
const shownReviews = 30;
const managersTexts = reviewTextsFor(restaurantLanguage);

/**
 * Demo mode has no Telegram, so this page stands in for the managers' chat: every stored review
 * rendered from the exact HTML the bot would send (the same functions build both), newest first,
 * with a form to reply as a manager — the guest then sees the answer in the Mini App.
 * The HTML is shown as Telegram would show it; it is safe to render because every user string in
 * it is escaped (reviews.security.test.ts checks that), and the page's CSP allows no script but its own.
 */
export function demoManagersChat(deps: { db: Database }) {
  return new Hono()
    .get("/", async (c) => {
      const ids = await latestReviewIds(deps.db, shownReviews);
      const loaded = (await Promise.all(ids.map((id) => loadReviewWithAuthor(deps.db, id)))).filter(
        (entry) => entry !== undefined,
      );
      const replies = ids.length
        ? await deps.db
            .select()
            .from(reviewReplies)
            .where(inArray(reviewReplies.reviewId, ids))
            .orderBy(asc(reviewReplies.createdAt), asc(reviewReplies.id))
        : [];
      const nonce = randomBytes(16).toString("base64");
      c.header(
        "content-security-policy",
        `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; form-action 'self'; base-uri 'none'`,
      );

      const entries = loaded.map(({ review, author }) => {
        const parts = reviewMessageParts({ author, rating: review.rating, text: review.text }, managersTexts);
        const conversation = replies.filter((reply) => reply.reviewId === review.id);
        return html`<article class="review" data-review-id="${review.id}">
          ${parts.map((part) => html`<div class="bubble bot">${raw(part)}</div>`)}
          <div class="meta">${review.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC ·
            ${parts.length === 1 ? "1 message" : `${parts.length} messages`} · in production: sent to
            MANAGER_CHAT_ID by the delivery worker</div>
          <details><summary>HTML as sent to Telegram</summary>${parts.map(
            (part) => html`<pre>${part}</pre>`,
          )}</details>
          ${conversation.map((reply) =>
            reply.author === "manager"
              ? html`<div class="bubble manager"><div class="who">Manager (reply)</div>${reply.text}</div>`
              : html`${guestAnswerParts({ author, text: reply.text }, managersTexts).map(
                  (part) => html`<div class="bubble bot">${raw(part)}</div>`,
                )}`,
          )}
          <form method="post" action="/demo/managers-chat/${review.id}/reply">
            <textarea name="text" maxlength="4096" rows="2" placeholder="Reply to this review as a manager…" required></textarea>
            <button type="submit">Reply</button>
          </form>
        </article>`;
      });

      return c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Managers' chat · Guestcard demo</title>
    <style>
      body { font: 15px/1.4 system-ui, sans-serif; margin: 0; min-height: 100vh; color: #111;
        background: #8fb58a linear-gradient(#a6c48a, #7fa86f) fixed; }
      header { position: sticky; top: 0; background: #fff; padding: 10px 16px; box-shadow: 0 1px 3px rgb(0 0 0 / 15%); }
      header h1 { font-size: 17px; margin: 0; } header p { margin: 2px 0 0; color: #667; font-size: 13px; }
      header a { color: #2481cc; }
      main { max-width: 560px; margin: 0 auto; padding: 12px; }
      .review { margin: 0 0 22px; }
      .bubble { background: #fff; border-radius: 12px 12px 12px 4px; padding: 8px 12px; margin: 0 40px 4px 0;
        white-space: pre-wrap; overflow-wrap: anywhere; box-shadow: 0 1px 1px rgb(0 0 0 / 12%); }
      .bubble.manager { background: #effdde; margin: 4px 0 4px 40px; border-radius: 12px 12px 4px 12px; }
      .bubble a { color: #2481cc; text-decoration: none; }
      .bubble blockquote { margin: 4px 0; padding: 2px 8px; border-left: 3px solid #2481cc; background: #f0f6fb; }
      .who { font-weight: 600; color: #3a8a2e; font-size: 13px; }
      .meta { font-size: 12px; color: #2d4a26; margin: 2px 0 4px; }
      details { font-size: 12px; margin: 0 0 6px; } summary { cursor: pointer; color: #2d4a26; }
      pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #fff; padding: 6px; border-radius: 6px; }
      form { display: flex; gap: 6px; margin-left: 40px; }
      textarea { flex: 1; font: inherit; border-radius: 10px; border: 0; padding: 6px 10px; resize: vertical; }
      button { font: inherit; border: 0; border-radius: 10px; background: #2481cc; color: #fff; padding: 0 14px; }
      .empty { background: #fff; border-radius: 12px; padding: 16px; text-align: center; color: #556; }
    </style>
  </head>
  <body>
    <header>
      <h1>Managers' chat <small>(demo)</small></h1>
      <p>What the bot would post to MANAGER_CHAT_ID, rendered from the exact HTML. <a href="/demo">Back to the demo</a></p>
    </header>
    <main>
      ${entries.length ? entries : html`<div class="empty">No reviews yet. Open the Mini App from <a href="/demo">/demo</a>, share the phone and send one: it appears here.</div>`}
    </main>
    <script nonce="${nonce}">
      // New reviews appear without a manual reload, unless someone is typing a reply.
      setInterval(() => {
        const typing = [...document.querySelectorAll("textarea")].some((area) => area.value || area === document.activeElement);
        if (!typing) location.reload();
      }, 4000);
    </script>
  </body>
</html>`);
    })
    .post("/:reviewId/reply", bodyLimit({ maxSize: 64 * 1024 }), async (c) => {
      const reviewId = c.req.param("reviewId");
      const form = await c.req.parseBody();
      // The same rule as every free text (text-rules.ts): a NUL or a lone surrogate is refused, not stored.
      const checked = safeParse(managerReplyText, typeof form.text === "string" ? form.text : "");
      if (!checked.success) {
        const problem = issuesToFields(checked.error.issues).body ?? { code: "invalid" };
        return c.text(`The reply was not sent: ${fieldErrorMessage(problem)}.`, 422);
      }
      const text = checked.data;
      const loaded = /^[0-9a-f-]{36}$/i.test(reviewId)
        ? await loadReviewWithAuthor(deps.db, reviewId)
        : undefined;
      if (text && loaded) {
        // No Telegram here: the reply is stored as answered and shows in the guest's Mini App.
        await deps.db.insert(reviewReplies).values({
          reviewId,
          author: "manager",
          authorTelegramId: 0,
          text,
          sourceChatId: demoChatId,
          sourceMessageId: randomInt(1, 2 ** 31 - 1),
        });
      }
      return c.redirect("/demo/managers-chat", 303);
    });
}
