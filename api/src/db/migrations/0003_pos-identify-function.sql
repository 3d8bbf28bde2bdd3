-- Hand-written (drizzle-kit generate --custom): keep this function when the migrations are squashed.
--
-- One identification at a till, as one statement: the per-terminal miss limit, the card lookup and
-- the audit row. Why in the database (docs/decisions/005-pos-identify-in-one-statement.md):
--  * Several server processes share one PostgreSQL, so the miss limit must be counted here, and two
--    requests of one terminal must not both pass the count at 9 misses. The advisory lock serialises
--    one terminal's identifications across all processes; a VOLATILE function takes a fresh snapshot
--    for each statement, so the count after the lock sees every miss committed before it.
--  * One round trip instead of a transaction of five keeps identify close to a bare indexed select.
-- The caller has already read the code (digits, length, Damm check digit): p_kind says what it is.
CREATE OR REPLACE FUNCTION guestcard_pos_identify(
  p_terminal text,
  -- 'pin' | 'code': look it up; 'invalid': a 422 miss; 'unreadable': a 400/413 body, only the limit applies
  p_kind text,
  p_digits text,
  p_max_misses integer,
  p_window_seconds integer
) RETURNS TABLE (
  outcome text,
  retry_after_seconds integer,
  card_id uuid,
  account_id uuid,
  first_name text,
  last_name text,
  phone text,
  expires_at_ms double precision,
  telegram_user_id bigint,
  first_visit boolean
) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  v_now timestamptz;
  v_oldest_counted_miss timestamptz;
  v_card_id uuid;
  v_account_id uuid;
  v_expires_at timestamptz;
BEGIN
  -- The rows written here are an audit log and the miss counter, not money: after a database crash,
  -- losing the last fraction of a second of them is acceptable, and not waiting for the WAL flush
  -- at commit is what lets one terminal's serialised identifications keep up with a busy till.
  -- (Visibility to other sessions is immediate either way; the database stays consistent.)
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(hashtextextended('guestcard:pos-identify:' || p_terminal, 0));
  v_now := clock_timestamp();

  -- The terminal is blocked while its p_max_misses-th most recent miss is inside the window;
  -- it is free again when that miss leaves the window.
  SELECT m.at INTO v_oldest_counted_miss
    FROM card_identifications m
   WHERE m.terminal = p_terminal
     AND m.outcome IN ('not_found', 'invalid_code')
     AND m.at > v_now - make_interval(secs => p_window_seconds)
   ORDER BY m.at DESC
  OFFSET p_max_misses - 1
   LIMIT 1;
  IF v_oldest_counted_miss IS NOT NULL THEN
    INSERT INTO card_identifications (terminal, outcome, at) VALUES (p_terminal, 'rate_limited', v_now);
    RETURN QUERY SELECT 'rate_limited'::text,
      greatest(1, ceil(extract(epoch FROM
        v_oldest_counted_miss + make_interval(secs => p_window_seconds) - v_now)))::integer,
      NULL::uuid, NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::float8, NULL::bigint, NULL::boolean;
    RETURN;
  END IF;

  IF p_kind = 'unreadable' THEN
    RETURN QUERY SELECT 'allowed'::text, NULL::integer,
      NULL::uuid, NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::float8, NULL::bigint, NULL::boolean;
    RETURN;
  END IF;

  IF p_kind = 'pin' THEN
    SELECT c.id, c.account_id, c.expires_at INTO v_card_id, v_account_id, v_expires_at
      FROM cards c
     WHERE c.pin = p_digits AND c.revoked_at IS NULL AND c.expires_at > v_now;
  ELSIF p_kind = 'code' THEN
    SELECT c.id, c.account_id, c.expires_at INTO v_card_id, v_account_id, v_expires_at
      FROM cards c
     WHERE c.code = p_digits AND c.revoked_at IS NULL AND c.expires_at > v_now;
  END IF;

  IF v_card_id IS NULL THEN
    INSERT INTO card_identifications (terminal, outcome, at)
    VALUES (p_terminal, CASE WHEN p_kind = 'invalid' THEN 'invalid_code' ELSE 'not_found' END, v_now);
    RETURN QUERY SELECT CASE WHEN p_kind = 'invalid' THEN 'invalid_code' ELSE 'not_found' END::text,
      NULL::integer,
      NULL::uuid, NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::float8, NULL::bigint, NULL::boolean;
    RETURN;
  END IF;

  INSERT INTO card_identifications (terminal, outcome, card_id, account_id, at)
  VALUES (p_terminal, 'identified', v_card_id, v_account_id, v_now);
  -- first_visit: the guest's funnel has no first visit yet (the caller records it).
  RETURN QUERY
    SELECT 'identified'::text, NULL::integer, v_card_id, v_account_id, a.first_name, a.last_name, a.phone,
           (extract(epoch FROM v_expires_at) * 1000)::float8, tu.id,
           tu.id IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM source_events e WHERE e.telegram_user_id = tu.id AND e.kind = 'first_visit')
      FROM accounts a
      LEFT JOIN telegram_users tu ON tu.account_id = a.id
     WHERE a.id = v_account_id;
END
$$;
