import { defaultSourceCode, type FunnelStep, sourceCodePattern } from "@guestcard/shared";
import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { sourceEvents, sources, telegramUsers } from "../db/schema";

export type SourceEventKind = FunnelStep;

export { defaultSourceCode, sourceCodePattern };

/** The name the default source gets when it is made on first use. */
const defaultSourceName = "Direct link";

/** A well-formed source code from a `/start` payload or a `start_param`, or undefined: anything else is ignored. */
export function parseSourceCode(payload: string | null | undefined): string | undefined {
  const trimmed = payload?.trim();
  return trimmed && sourceCodePattern.test(trimmed) ? trimmed : undefined;
}

/**
 * Records one step of the conversion funnel for a Telegram user, once per user and step.
 *
 * First touch wins: the first source a user arrives through (a known code, or the default source
 * when they came without one) is kept on `telegram_users.source_id`, and every event of that user
 * counts for that source, whatever link they use later. An unknown or malformed code is ignored
 * (the user counts for the default source, unless they already have one). An archived source still
 * counts: its printed QR codes are still out there.
 *
 * Call it after `rememberTelegramUser`, so the first touch is kept on the user's row; without the
 * row, the source of the user's earliest event still wins.
 */
export async function recordSourceEvent(
  db: Database,
  telegramUserId: number,
  kind: SourceEventKind,
  sourceCode?: string,
): Promise<void> {
  const code = parseSourceCode(sourceCode) ?? defaultSourceCode;
  // One statement, so it is cheap enough to run on every /api/me. `touched` is this user's first
  // source as far as events know (their row may not have existed at the first touch), else this
  // touch. The CTE's UPDATE only fills an empty source_id, so two concurrent first touches cannot
  // overwrite each other; the outer SELECT sees the row as it was before the UPDATE, hence the
  // order: just claimed, claimed earlier, `touched`.
  await db.execute(sql`
    with touched as (
      select coalesce(
        (select ${sourceEvents.sourceId} from ${sourceEvents}
          where ${sourceEvents.telegramUserId} = ${telegramUserId} order by ${sourceEvents.id} limit 1),
        (select ${sources.id} from ${sources} where ${sources.code} = ${code}),
        (select ${sources.id} from ${sources} where ${sources.code} = ${defaultSourceCode})
      ) as id
    ),
    claimed as (
      update ${telegramUsers} set source_id = (select id from touched)
      where ${telegramUsers.id} = ${telegramUserId} and ${telegramUsers.sourceId} is null
      returning ${telegramUsers.sourceId}
    )
    insert into ${sourceEvents} (source_id, telegram_user_id, kind)
    select coalesce(
      (select source_id from claimed),
      (select ${telegramUsers.sourceId} from ${telegramUsers} where ${telegramUsers.id} = ${telegramUserId}),
      (select id from touched)
    ), ${telegramUserId}, ${kind}
    on conflict (telegram_user_id, kind) do nothing
  `);
}

async function findSourceId(db: Database, code: string): Promise<number | undefined> {
  const [source] = await db.select({ id: sources.id }).from(sources).where(eq(sources.code, code));
  return source?.id;
}

/** The default source. A migration creates it; this makes it again should anyone have deleted it by hand. */
export async function defaultSourceId(db: Database): Promise<number> {
  const existing = await findSourceId(db, defaultSourceCode);
  if (existing !== undefined) return existing;
  await db
    .insert(sources)
    .values({ code: defaultSourceCode, name: defaultSourceName })
    .onConflictDoNothing({ target: sources.code });
  const created = await findSourceId(db, defaultSourceCode);
  if (created === undefined) throw new Error("The default source could not be created.");
  return created;
}

/** For tests and the funnel: the events of one user, oldest first. */
export async function sourceEventsOf(db: Database, telegramUserId: number) {
  return db
    .select({ kind: sourceEvents.kind, sourceId: sourceEvents.sourceId, code: sources.code })
    .from(sourceEvents)
    .innerJoin(sources, eq(sources.id, sourceEvents.sourceId))
    .where(eq(sourceEvents.telegramUserId, telegramUserId))
    .orderBy(sql`${sourceEvents.id}`);
}
