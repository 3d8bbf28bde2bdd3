// What the broadcast tests share: guests in bulk straight in the database (registered, with or
// without marketing consent and a known private chat), for the tests that need thousands.

export interface AudienceOptions {
  /** Telegram ids firstTelegramId … firstTelegramId + count − 1 (also the phones' digits). */
  firstTelegramId: number;
  marketing?: boolean;
  privateChat?: boolean;
  languageCode?: string;
}

/**
 * One SQL statement (plain text, for a drizzle `sql.raw` or a postgres.js `unsafe`) that makes `count`
 * registered guests: account, linked Telegram user, marketing consent as told. Returns one row, `count`.
 */
export function audienceSql(count: number, options: AudienceOptions): string {
  const first = Math.trunc(options.firstTelegramId);
  const marketing = options.marketing ?? true;
  const privateChat = options.privateChat ?? true;
  const language = (options.languageCode ?? "ru").replace(/[^a-z]/g, "");
  return `with people as (
      select ${first} + g as tid from generate_series(0, ${Math.trunc(count) - 1}) g
    ), acc as (
      insert into accounts (phone, last_name, first_name, birthday, origin)
      select '+7955' || lpad((tid % 10000000)::text, 7, '0'), 'Tester', 'Guest' || tid, '1990-05-31', 'registration'
        from people
      returning id, phone
    ), users as (
      insert into telegram_users (id, first_name, language_code, phone, phone_verified_at, account_id, private_chat_at)
      select p.tid, 'Guest', '${language}', a.phone, now(), a.id, ${privateChat ? "now()" : "null"}
        from people p join acc a on a.phone = '+7955' || lpad((p.tid % 10000000)::text, 7, '0')
      returning 1
    ), consent as (
      insert into consents (account_id, kind, granted, text_version)
      select id, 'marketing', ${marketing}, 'test' from acc
      returning 1
    )
    select (select count(*) from users)::int as count, (select count(*) from consent)::int as consents`;
}
