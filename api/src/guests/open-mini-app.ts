import { type Account, defaultSourceCode, type GuestStatus, type TelegramUser } from "@guestcard/shared";
import { type SQL, sql } from "drizzle-orm";
import { type Database, selectRows } from "../db/client";
import { personalDataConsentGiven } from "../my-data/my-data";
import { reviewAnswerUnreadSql } from "../reviews/review-answers";
import { parseSourceCode, recordSourceEvent } from "../sources/attribution";
import { resolveGuest, toAccountDto } from "./guests";

export interface OpenedMiniApp {
  status: GuestStatus;
  phone: string | null;
  account: Account | null;
  isManager: boolean;
  /** A registered guest who never gave us the personal-data consent (an imported guest): ask for it. */
  consentRequired: boolean;
  /** The name a manager saved in the settings; null until one did (the caller's default applies). */
  restaurantName: string | null;
  /** The guest's latest review has a manager's reply they have not marked read (reviews/review-answers.ts). */
  reviewAnswerUnread: boolean;
}

interface OpenRow {
  phone: string | null;
  account_id: string | null;
  last_name: string | null;
  first_name: string | null;
  middle_name: string | null;
  gender: "male" | "female" | null;
  birthday: string | null;
  account_phone: string | null;
  email: string | null;
  /** `none`: no account has the phone; `free`: an account nobody has claimed; `held`: another user's. */
  owner: "none" | "free" | "held" | null;
  is_manager: boolean;
  /** The latest personal-data consent of the guest's account is not a yes (my-data.ts). */
  consent_required: boolean | null;
  restaurant_name: string | null;
  review_answer_unread: boolean;
}

/**
 * A guest opens the Mini App (`GET /api/me`, docs/api.md): read who they are, whether they manage
 * the restaurant and have an unread answer to their review, and write only what is new
 * (docs/decisions/017-hot-paths.md):
 * - the Telegram profile, when a field differs from the stored one (or the user is new);
 * - the first source (first touch wins: sources/attribution.ts), when the user has none yet;
 * - the funnel's `started` (opening counts as arriving) and, for a registered guest, `registered`
 *   (a known guest linked by phone reaches it without the form), each only when not yet recorded.
 * A returning guest whose profile is unchanged costs one plain read and no write: the read says
 * whether anything is new, and only then does the writing statement run (one conditional write,
 * which reads the guest back). A known guest still to be linked (their phone matches an account
 * nobody holds) takes one more trip: the link, with its welcome points (guests.ts).
 *
 * The writes are decided by the writing statement's own reads, and stay right when two opens race: the
 * upsert and the event inserts fall back on the unique keys (`on conflict`), and the source is only
 * ever filled when empty. Data-modifying CTEs all see the snapshot the statement started with, so the
 * events take their source from the upsert's `returning`, not from a re-read of the row.
 */
export async function openMiniApp(
  db: Database,
  user: TelegramUser,
  startParam: string | undefined,
  isManagerSql: SQL,
): Promise<OpenedMiniApp> {
  const profile = sql`(${user.firstName}::text, ${user.lastName}::text, ${user.username}::text, ${user.languageCode}::text)`;
  // First a plain read: for a returning guest it is all there is (planning and running the
  // writing statement below costs several times more, even when it writes nothing).
  const [current] = await selectRows<OpenRow & { up_to_date: boolean }>(
    db,
    sql`with known as (
          select source_id, phone, account_id, first_name, last_name, username, language_code
            from telegram_users where id = ${user.id}
        )
        ${guestRead(
          user.id,
          sql`known`,
          isManagerSql,
          sql`, coalesce(known.source_id is not null
                and (known.first_name, known.last_name, known.username, known.language_code) is not distinct from ${profile}
                and exists (select 1 from source_events where telegram_user_id = ${user.id} and kind = 'started')
                and (known.account_id is null
                     or exists (select 1 from source_events where telegram_user_id = ${user.id} and kind = 'registered')),
              false) as up_to_date`,
        )}`,
  );
  const row = current?.up_to_date ? current : await recordOpen(db, user, startParam, isManagerSql, profile);
  return toOpened(db, user, row);
}

/** The guest as `known` (their telegram_users row, if any) says, with their account and the phone's owner. */
function guestRead(telegramUserId: number, known: SQL, isManagerSql: SQL, extra: SQL = sql``) {
  return sql`select known.phone, known.account_id,
               account.last_name, account.first_name, account.middle_name, account.gender,
               account.birthday::text as birthday, account.phone as account_phone, account.email,
               case when known.phone is null or known.account_id is not null then null
                    when owner.id is null then 'none'
                    when exists (select 1 from telegram_users holder where holder.account_id = owner.id) then 'held'
                    else 'free' end as owner,
               ${isManagerSql} as is_manager,
               case when account.id is null then null
                    else coalesce((select not consent.granted from consents consent
                                    where consent.account_id = account.id and consent.kind = 'personal_data'
                                    order by consent.recorded_at desc, consent.id desc limit 1), true)
               end as consent_required,
               -- settings.ts's rule for a stored name (a non-empty string), read here so the open stays one statement.
               (select nullif(trim(setting.value #>> '{}'), '') from settings setting
                 where setting.key = 'restaurant_name' and jsonb_typeof(setting.value) = 'string') as restaurant_name,
               ${reviewAnswerUnreadSql(telegramUserId)} as review_answer_unread`
    .append(extra)
    .append(sql` from (select 1) as one
          left join ${known} on true
          left join accounts account on account.id = known.account_id
          left join accounts owner on owner.phone = known.phone and known.account_id is null`);
}

/**
 * The open, written: the profile, the first source and the funnel's steps, each only when new,
 * and the guest read back — one statement.
 */
async function recordOpen(
  db: Database,
  user: TelegramUser,
  startParam: string | undefined,
  isManagerSql: SQL,
  profile: SQL,
): Promise<OpenRow | undefined> {
  const code = parseSourceCode(startParam) ?? defaultSourceCode;
  // The source of a first touch: this user's earliest event (their row may be younger than it), else
  // the code they came through, else the default source.
  const touched = sql`coalesce(
      (select source_id from source_events where telegram_user_id = ${user.id} order by id limit 1),
      (select id from sources where code = ${code}),
      (select id from sources where code = ${defaultSourceCode}))`;
  const eventSource = sql`coalesce((select source_id from saved), (select source_id from known), ${touched})`;
  const [row] = await selectRows<OpenRow>(
    db,
    sql`with known as (
          select source_id, phone, account_id, first_name, last_name, username, language_code
            from telegram_users where id = ${user.id}
        ),
        saved as (
          insert into telegram_users as saved_user (id, first_name, last_name, username, language_code, source_id)
          select ${user.id}, ${user.firstName}, ${user.lastName}, ${user.username}, ${user.languageCode}, ${touched}
           where not exists (select 1 from known
                              where known.source_id is not null
                                and (known.first_name, known.last_name, known.username, known.language_code)
                                    is not distinct from ${profile})
          on conflict (id) do update
            set first_name = excluded.first_name, last_name = excluded.last_name,
                username = excluded.username, language_code = excluded.language_code,
                source_id = coalesce(saved_user.source_id, excluded.source_id),
                updated_at = case
                  when (saved_user.first_name, saved_user.last_name, saved_user.username, saved_user.language_code)
                       is not distinct from ${profile} then saved_user.updated_at
                  else now() end
          returning source_id
        ),
        started as (
          insert into source_events (source_id, telegram_user_id, kind)
          select ${eventSource}, ${user.id}, 'started'
           where not exists (select 1 from source_events where telegram_user_id = ${user.id} and kind = 'started')
          on conflict (telegram_user_id, kind) do nothing
          returning 1
        ),
        registered as (
          insert into source_events (source_id, telegram_user_id, kind)
          select ${eventSource}, ${user.id}, 'registered'
           where exists (select 1 from known where account_id is not null)
             and not exists (select 1 from source_events where telegram_user_id = ${user.id} and kind = 'registered')
             -- after "started": reading its outcome orders the two inserts
             and (select count(*) from started) >= 0
          on conflict (telegram_user_id, kind) do nothing
        )
        ${guestRead(user.id, sql`known`, isManagerSql)}`,
  );
  return row;
}

async function toOpened(db: Database, user: TelegramUser, row: OpenRow | undefined): Promise<OpenedMiniApp> {
  const isManager = row?.is_manager === true;
  const restaurantName = row?.restaurant_name ?? null;
  const reviewAnswerUnread = row?.review_answer_unread === true;
  const asked = { isManager, consentRequired: false, restaurantName, reviewAnswerUnread };
  if (!row?.phone) return { status: "needs_phone", phone: null, account: null, ...asked };
  if (row.account_id) {
    const account: Account = {
      id: row.account_id,
      lastName: row.last_name ?? "",
      firstName: row.first_name ?? "",
      middleName: row.middle_name,
      gender: row.gender,
      birthday: row.birthday,
      phone: row.account_phone ?? row.phone,
      email: row.email,
    };
    return {
      status: "registered",
      phone: row.phone,
      account,
      isManager,
      consentRequired: row.consent_required === true,
      restaurantName,
      reviewAnswerUnread,
    };
  }
  if (row.owner === "none")
    return { status: "needs_registration", phone: row.phone, account: null, ...asked };
  if (row.owner === "held") return { status: "phone_conflict", phone: row.phone, account: null, ...asked };
  // A known guest nobody holds yet: link them (with the welcome points) and count them registered.
  const state = await resolveGuest(db, user.id);
  if (state.status === "registered") await recordSourceEvent(db, user.id, "registered");
  return {
    status: state.status,
    phone: state.phone,
    account: state.account ? toAccountDto(state.account) : null,
    isManager,
    // Linked just now by an imported phone: the restaurant's import is not the guest's consent.
    consentRequired: state.account ? !(await personalDataConsentGiven(db, state.account.id)) : false,
    restaurantName,
    reviewAnswerUnread,
  };
}
