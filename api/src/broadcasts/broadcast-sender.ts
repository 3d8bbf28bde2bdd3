import { randomUUID } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";
import { type Api, GrammyError } from "grammy";
import { type Database, selectRows } from "../db/client";
import type { Logger } from "../logger";
import { classifyFailure } from "../outbox/telegram-failure";
import { broadcastKeyboard, broadcastTextsFor } from "./broadcast-texts";
import { takeSendTokenQuery, tokenWaitMs } from "./send-rate";

/** A progress line in the log after this many messages sent by one process. */
const progressEvery = 50;

/** The token bucket broadcasts draw from (send-rate.ts). */
const bucketKey = "broadcasts";

/**
 * Sends broadcasts: a sibling of the outbox worker (api/src/outbox/outbox-worker.ts) with the same
 * patterns, whose queue is the frozen recipient list itself (docs/decisions/024-broadcasts.md):
 * - each send first takes a token from a bucket in the database that every process shares, so all
 *   of them together stay under `messagesPerSecond` (Telegram allows a bot ~30 a second overall;
 *   the rest is left for the bot's replies and the reviews);
 * - a recipient is claimed with FOR UPDATE SKIP LOCKED and a lease (`locked_until`, `lease_token`),
 *   so processes share a broadcast without sending to anyone twice; the outcome is written fenced by
 *   the lease token, with the broadcast's counter, in one statement;
 * - a process that dies mid-send lets its lease run out; the recipient is then sent again: the one
 *   window for a duplicate is between Telegram's "ok" and that write;
 * - 429: the whole broadcast waits `retry_after`; 403 (blocked, deactivated): `blocked`, never
 *   retried; 400: `failed` (retrying the same request cannot help); 5xx and network errors: retried
 *   with backoff, `failed` after `maxAttempts`;
 * - a guest who withdrew consent or deleted their data after the list was frozen is `skipped`.
 */
export interface BroadcastSenderOptions {
  db: Database;
  /** A grammY Api without auto-retry: the sender owns retries, pacing and leases. */
  api: Api;
  logger: Logger;
  /** PUBLIC_URL + "/", for the optional button that opens the Mini App. */
  miniAppUrl: string | undefined;
  messagesPerSecond: number;
  timing?: Partial<BroadcastSenderTiming>;
}

export interface BroadcastSenderTiming {
  /** How often an idle sender looks for work. */
  pollIntervalMs: number;
  /** How long a claim keeps other senders off a recipient; longer than a Telegram call may take. */
  leaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Attempts (5xx, network errors) before a recipient counts as failed. */
  maxAttempts: number;
  /** Sends in flight at once in this process. */
  concurrency: number;
}

export const defaultBroadcastTiming: BroadcastSenderTiming = {
  pollIntervalMs: 1000,
  leaseMs: 60_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 5 * 60_000,
  maxAttempts: 5,
  concurrency: 4,
};

interface ActiveBroadcast {
  id: string;
  text: string;
  openAppButton: boolean;
}

interface ClaimedRecipient {
  id: number;
  chatId: number;
  languageCode: string | null;
  attempts: number;
  /** Still registered, consenting and linked to this chat. */
  eligible: boolean;
  leaseToken: string;
}

type Outcome = "sent" | "blocked" | "failed" | "skipped";

/** The counter column each outcome adds to: a fixed list, never text from outside. */
const counterOf: Record<Outcome, SQL> = {
  sent: sql.raw("sent"),
  blocked: sql.raw("blocked"),
  failed: sql.raw("failed"),
  skipped: sql.raw("skipped"),
};

export type BroadcastSender = ReturnType<typeof createBroadcastSender>;

export function createBroadcastSender(options: BroadcastSenderOptions) {
  const timing = { ...defaultBroadcastTiming, ...options.timing };
  const { db, api, logger } = options;
  let stopping = false;
  /** Messages this process has sent, for a progress line now and then (not per message). */
  let sentHere = 0;
  let lanes: Promise<void>[] = [];
  const sleepers = new Set<() => void>();

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
    });
  }

  const leaseEnd = () => sql`clock_timestamp() + ${timing.leaseMs}::int * interval '1 millisecond'`;

  /** The oldest broadcast with work to do, not cancelled, not waiting out a 429; marks it sending. */
  async function nextBroadcast(): Promise<ActiveBroadcast | undefined> {
    const [row] = await selectRows<{ id: string; text: string; open_app_button: boolean }>(
      db,
      sql`update broadcasts b set status = 'sending', started_at = coalesce(b.started_at, now())
           where b.id = (select id from broadcasts
                          where status <> 'done'
                            and (paused_until is null or paused_until <= clock_timestamp())
                          order by created_at, id limit 1)
         returning b.id, b.text, b.open_app_button`,
    );
    return row ? { id: row.id, text: row.text, openAppButton: row.open_app_button } : undefined;
  }

  /**
   * Takes a send token and, with it, claims the next due recipient: one statement, one round trip
   * (the recipient's send is the only other). `noToken`: the bucket is empty, wait a little.
   */
  async function claim(broadcastId: string): Promise<ClaimedRecipient | "noToken" | undefined> {
    const leaseToken = randomUUID();
    const [row] = await selectRows<{
      token: number;
      id: number | string | null;
      chat_id: number | string | null;
      language_code: string | null;
      attempts: number | null;
      eligible: boolean | null;
    }>(
      db,
      sql`with token as (${takeSendTokenQuery(bucketKey, options.messagesPerSecond)}),
          next as (
            select r.id from broadcast_recipients r
             where exists (select 1 from token)
               and r.broadcast_id = ${broadcastId}::uuid and r.status = 'pending'
               and r.run_at <= clock_timestamp()
               and (r.locked_until is null or r.locked_until < clock_timestamp())
               and exists (select 1 from broadcasts b where b.id = r.broadcast_id and b.status <> 'done'
                             and (b.paused_until is null or b.paused_until <= clock_timestamp()))
             order by r.run_at, r.id
             limit 1
             for update of r skip locked),
          claimed as (
            update broadcast_recipients r set locked_until = ${leaseEnd()}, lease_token = ${leaseToken}::uuid
              from next where r.id = next.id
            returning r.id, r.chat_id, r.language_code, r.attempts,
              exists (select 1 from telegram_users tu where tu.id = r.chat_id and tu.account_id = r.account_id)
                and coalesce((select c.granted from consents c
                               where c.account_id = r.account_id and c.kind = 'marketing'
                               order by c.recorded_at desc, c.id desc limit 1), false) as eligible)
          select (select count(*) from token)::int as token, claimed.*
            from (select 1) as one left join claimed on true`,
    );
    if (!row || row.token === 0) return "noToken";
    if (row.id === null || row.chat_id === null) return undefined;
    return {
      id: Number(row.id),
      chatId: Number(row.chat_id),
      languageCode: row.language_code,
      attempts: row.attempts ?? 0,
      eligible: row.eligible === true,
      leaseToken,
    };
  }

  /** Records the outcome and counts it, in one statement, only while the lease is ours. */
  async function finish(
    broadcastId: string,
    recipient: ClaimedRecipient,
    outcome: Outcome,
    details: { messageId?: number; error?: string } = {},
  ) {
    await db.execute(sql`with done as (
        update broadcast_recipients set status = ${outcome}, message_id = ${details.messageId ?? null},
               last_error = ${details.error ?? null}, done_at = now(), locked_until = null, lease_token = null,
               attempts = attempts + 1
         where id = ${recipient.id} and lease_token = ${recipient.leaseToken}::uuid
        returning 1)
      update broadcasts set ${counterOf[outcome]} = ${counterOf[outcome]} + (select count(*) from done)
       where id = ${broadcastId}::uuid`);
  }

  /** Puts the recipient back for a later attempt; `countAttempt` false for a 429 (not its fault). */
  async function release(
    recipient: ClaimedRecipient,
    delayMs: number,
    error: string,
    countAttempt: boolean,
  ): Promise<void> {
    await db.execute(sql`update broadcast_recipients
        set run_at = clock_timestamp() + ${Math.round(delayMs)}::int * interval '1 millisecond',
            locked_until = null, lease_token = null, last_error = ${error},
            attempts = attempts + ${countAttempt ? 1 : 0}::int
      where id = ${recipient.id} and lease_token = ${recipient.leaseToken}::uuid`);
  }

  async function finishIfDrained(broadcastId: string): Promise<boolean> {
    const rows = await selectRows<{ id: string }>(
      db,
      sql`update broadcasts set status = 'done', finished_at = now()
           where id = ${broadcastId}::uuid and status <> 'done'
             and not exists (select 1 from broadcast_recipients r
                              where r.broadcast_id = ${broadcastId}::uuid and r.status = 'pending')
         returning id`,
    );
    if (rows.length > 0) logger.info({ broadcastId }, "broadcast: done");
    return rows.length > 0;
  }

  async function deliver(broadcast: ActiveBroadcast, recipient: ClaimedRecipient): Promise<void> {
    if (!recipient.eligible) {
      await finish(broadcast.id, recipient, "skipped");
      return;
    }
    const texts = broadcastTextsFor(recipient.languageCode);
    let messageId: number;
    try {
      // Plain text: no parse_mode, so the manager's text is shown exactly as written.
      const message = await api.sendMessage(recipient.chatId, broadcast.text, {
        reply_markup: broadcastKeyboard(texts, {
          openAppButton: broadcast.openAppButton,
          miniAppUrl: options.miniAppUrl,
        }),
      });
      messageId = message.message_id;
    } catch (error) {
      await failed(broadcast, recipient, error);
      return;
    }
    await finish(broadcast.id, recipient, "sent", { messageId });
    sentHere += 1;
    if (sentHere % progressEvery === 0) {
      logger.info({ broadcastId: broadcast.id, sentByThisProcess: sentHere }, "broadcast: progress");
    }
  }

  async function failed(broadcast: ActiveBroadcast, recipient: ClaimedRecipient, error: unknown) {
    const failure = classifyFailure(error);
    const context = { broadcastId: broadcast.id, recipientId: recipient.id, error: failure.description };
    if (failure.kind === "rate_limited") {
      // Telegram's limit is the bot's, not this chat's: the whole broadcast waits, in every process.
      logger.warn({ ...context, retryAfterMs: failure.retryAfterMs }, "broadcast: Telegram asked us to wait");
      await db.execute(sql`update broadcasts
          set paused_until = greatest(coalesce(paused_until, clock_timestamp()),
                                      clock_timestamp() + ${failure.retryAfterMs}::int * interval '1 millisecond')
        where id = ${broadcast.id}::uuid`);
      await release(recipient, 0, `rate_limited: ${failure.description}`, false);
      return;
    }
    if (error instanceof GrammyError && error.error_code === 403) {
      // Blocked the bot, or deleted their Telegram account: never retried, and no longer reachable
      // until they write to the bot again.
      await finish(broadcast.id, recipient, "blocked", { error: failure.description });
      await db.execute(sql`update telegram_users set private_chat_at = null where id = ${recipient.chatId}`);
      return;
    }
    const attempt = recipient.attempts + 1;
    if (failure.kind === "permanent" || attempt >= timing.maxAttempts) {
      logger.warn({ ...context, attempt }, "broadcast: a message failed for good");
      await finish(broadcast.id, recipient, "failed", { error: failure.description });
      return;
    }
    const exponential = Math.min(timing.backoffMaxMs, timing.backoffBaseMs * 2 ** (attempt - 1));
    await release(
      recipient,
      Math.round(exponential * (0.8 + Math.random() * 0.4)),
      failure.description,
      true,
    );
  }

  async function lane(): Promise<void> {
    let current: ActiveBroadcast | undefined;
    while (!stopping) {
      try {
        current ??= await nextBroadcast();
        if (!current) {
          await sleep(timing.pollIntervalMs);
          continue;
        }
        const recipient = await claim(current.id);
        if (recipient === "noToken") {
          await sleep(tokenWaitMs(options.messagesPerSecond));
          continue;
        }
        if (!recipient) {
          await finishIfDrained(current.id);
          current = undefined;
          await sleep(timing.pollIntervalMs);
          continue;
        }
        await deliver(current, recipient);
      } catch (error) {
        // The database is away: wait a poll; leases run out by themselves, nothing is lost.
        logger.error({ error: classifyFailure(error).description }, "broadcast: sender step failed");
        current = undefined;
        if (!stopping) await sleep(timing.pollIntervalMs);
      }
    }
  }

  return {
    start() {
      if (lanes.length > 0) return;
      stopping = false;
      lanes = Array.from({ length: timing.concurrency }, () => lane());
    },
    /** Looks for work now (a broadcast was just created). */
    wake() {
      for (const wakeUp of [...sleepers]) wakeUp();
    },
    /** Stops claiming; resolves once the sends in flight have been recorded. */
    async stop() {
      stopping = true;
      for (const wakeUp of [...sleepers]) wakeUp();
      await Promise.all(lanes);
      lanes = [];
    },
  };
}
