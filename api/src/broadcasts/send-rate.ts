import { type SQL, sql } from "drizzle-orm";

/**
 * A token bucket in the database (`telegram_rate_buckets`), so every server process draws from the
 * same one: `perSecond` tokens a second, holding at most a small burst. One statement takes a token
 * or takes none; the row's lock makes concurrent takers queue, never double-spend. A burst of a
 * tenth of a second's worth keeps any one second's sends within perSecond × 1.1 (at 25 a second: 27,
 * under Telegram's ~30), whatever the processes' timing.
 *
 * The query returns one row when a token was taken and none when the bucket is empty; the sender
 * (broadcast-sender.ts) runs it as the first part of its claim, so a send costs one round trip more.
 */
export function takeSendTokenQuery(key: string, perSecond: number): SQL {
  const burst = Math.max(1, Math.floor(perSecond / 10));
  const refilled = sql`least(${burst}::float8,
      telegram_rate_buckets.tokens
      + extract(epoch from clock_timestamp() - telegram_rate_buckets.at) * ${perSecond}::float8)`;
  return sql`insert into telegram_rate_buckets (key, tokens, at)
      values (${key}, ${burst - 1}::float8, clock_timestamp())
      on conflict (key) do update set tokens = ${refilled} - 1, at = clock_timestamp()
       where ${refilled} >= 1
      returning 1`;
}

/** About the time one token takes to come back: how long to wait when the bucket was empty. */
export function tokenWaitMs(perSecond: number): number {
  return Math.max(1, Math.ceil(1000 / perSecond));
}
