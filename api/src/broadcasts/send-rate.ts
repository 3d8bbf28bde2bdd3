import { sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";

/**
 * A token bucket in the database (`telegram_rate_buckets`), so every server process draws from the
 * same one: `perSecond` tokens a second, holding at most a small burst. One statement takes a token
 * or answers that none is there; the row's lock makes concurrent takers queue, never double-spend.
 * A burst of a tenth of a second's worth keeps any one second's sends within perSecond × 1.1
 * (at 25 a second: 27, under Telegram's ~30), whatever the processes' timing.
 * Returns 0 when a token was taken, else how many milliseconds to wait before asking again.
 */
export async function takeSendToken(db: Database, key: string, perSecond: number): Promise<number> {
  const burst = Math.max(1, Math.floor(perSecond / 10));
  const refilled = sql`least(${burst}::float8,
      telegram_rate_buckets.tokens
      + extract(epoch from clock_timestamp() - telegram_rate_buckets.at) * ${perSecond}::float8)`;
  const taken = await selectRows<{ tokens: number }>(
    db,
    sql`insert into telegram_rate_buckets (key, tokens, at)
        values (${key}, ${burst - 1}::float8, clock_timestamp())
        on conflict (key) do update set tokens = ${refilled} - 1, at = clock_timestamp()
         where ${refilled} >= 1
        returning tokens`,
  );
  if (taken.length > 0) return 0;
  // About the time one token takes to come back.
  return Math.max(1, Math.ceil(1000 / perSecond));
}
