CREATE TABLE "manager_chat_members" (
	"chat_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"status" text NOT NULL,
	"is_member" boolean NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	CONSTRAINT "manager_chat_members_chat_id_user_id_pk" PRIMARY KEY("chat_id","user_id")
);
--> statement-breakpoint
-- Hand-written (below this line): keep this function when the migrations are squashed.
--
-- Issues a card and ends the holder's previous one (card/cards.ts, docs/decisions/017-hot-paths.md),
-- one round trip. Why a function rather than the single statement it replaces:
--  * One guest's renewals queue on a per-account advisory lock, and a VOLATILE function takes a
--    fresh snapshot for each statement, so the revocation after the lock sees the card the previous
--    renewal committed. The single statement read its snapshot before waiting: twenty taps at once
--    collided on the "one live card per account" index, nineteen were retried, then eighteen… —
--    1,000 cards for 50 guests took 210 statements per guest and most of the burst's time.
--  * It tries the drawn PINs one after the other, so a PIN taken by another guest at the same moment
--    costs the next candidate, not another round trip.
--  * Its transaction commits without waiting for the WAL flush (synchronous_commit off, local to
--    it). What a crash can lose, and why that is acceptable: docs/decisions/017-hot-paths.md.
-- The partial unique indexes on live cards stay the judge of "no two live cards share a PIN or a
-- code" and "one live card per account": an insert that would break either does nothing.
CREATE OR REPLACE FUNCTION guestcard_issue_card(
  -- The holder's account, or NULL for the account linked to p_telegram_user_id.
  p_account_id uuid,
  p_telegram_user_id bigint,
  p_pins text[],
  p_codes text[],
  -- A fixed lifetime, or NULL for the managers' card_ttl_seconds setting, else p_default_ttl_seconds.
  p_ttl_seconds integer,
  p_default_ttl_seconds integer
) RETURNS TABLE (
  -- NULL: no such account, or the Telegram user has none linked.
  account_id uuid,
  -- Whether any drawn PIN was free; with no card issued, false is a step towards exhaustion.
  had_candidate boolean,
  pin text,
  code text,
  issued_at_ms double precision,
  expires_at_ms double precision,
  server_time_ms double precision
) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  v_account uuid := p_account_id;
  v_ttl integer;
  v_had_candidate boolean := false;
  v_pin text;
  v_code text;
  v_issued_at timestamptz;
  v_expires_at timestamptz;
  v_now timestamptz;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  IF v_account IS NULL THEN
    SELECT t.account_id INTO v_account
      FROM telegram_users t WHERE t.id = p_telegram_user_id AND t.account_id IS NOT NULL;
  ELSE
    SELECT a.id INTO v_account FROM accounts a WHERE a.id = p_account_id;
  END IF;
  IF v_account IS NULL THEN
    RETURN QUERY SELECT NULL::uuid, false, NULL::text, NULL::text, NULL::float8, NULL::float8, NULL::float8;
    RETURN;
  END IF;

  PERFORM pg_advisory_xact_lock(hashtextextended('guestcard:issue-card:' || v_account::text, 0));
  -- After the wait: the card's lifetime starts when it is really issued.
  v_now := clock_timestamp();

  -- Mirrors readSettings (settings/settings.ts): a stored value that is not a whole number of seconds
  -- within 1 s – 24 h is ignored.
  v_ttl := coalesce(
    p_ttl_seconds,
    (SELECT (s.value #>> '{}')::integer FROM settings s
      WHERE s.key = 'card_ttl_seconds' AND jsonb_typeof(s.value) = 'number'
        AND (s.value #>> '{}') ~ '^[0-9]{1,5}$' AND (s.value #>> '{}')::integer BETWEEN 1 AND 86400),
    p_default_ttl_seconds);

  UPDATE cards c SET revoked_at = v_now WHERE c.account_id = v_account AND c.revoked_at IS NULL;

  FOR i IN 1 .. coalesce(array_length(p_pins, 1), 0) LOOP
    v_pin := p_pins[i];
    v_code := p_codes[i];
    CONTINUE WHEN EXISTS (SELECT 1 FROM cards live
                           WHERE live.pin = v_pin AND live.revoked_at IS NULL AND live.expires_at > v_now);
    v_had_candidate := true;
    -- Nobody revokes expired cards otherwise: a PIN or code comes free as soon as its card is dead.
    UPDATE cards c SET revoked_at = v_now
     WHERE c.revoked_at IS NULL AND c.expires_at <= v_now AND (c.pin = v_pin OR c.code = v_code);
    INSERT INTO cards (account_id, pin, code, issued_at, expires_at)
    VALUES (v_account, v_pin, v_code, v_now, v_now + make_interval(secs => v_ttl))
    ON CONFLICT DO NOTHING
    RETURNING issued_at, expires_at INTO v_issued_at, v_expires_at;
    IF v_issued_at IS NOT NULL THEN
      RETURN QUERY SELECT v_account, true, v_pin, v_code,
        (extract(epoch FROM v_issued_at) * 1000)::float8,
        (extract(epoch FROM v_expires_at) * 1000)::float8,
        (extract(epoch FROM clock_timestamp()) * 1000)::float8;
      RETURN;
    END IF;
  END LOOP;
  RETURN QUERY SELECT v_account, v_had_candidate, NULL::text, NULL::text, NULL::float8, NULL::float8, NULL::float8;
END;
$$;
