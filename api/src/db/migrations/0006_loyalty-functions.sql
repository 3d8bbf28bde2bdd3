-- Hand-written (drizzle-kit generate --custom): keep these functions when the migrations are squashed.
--
-- The points ledger's writes, as database functions (docs/decisions/015-points-ledger.md):
--  * A till's purchase or refund is one call, one round trip and one transaction: the idempotency
--    key, the balance row's lock, the bill, its movements, the balance, the guest's message in the
--    outbox and the stored answer commit together or not at all. No read-then-write in Node.
--  * The programme's settings are read here, inside the same statement, so identify stays one
--    round trip (decision 005) and every process sees a manager's change from the next bill on.
-- drizzle-kit cannot express functions; each statement is separated by a breakpoint because the
-- migrator runs every chunk as one query.

-- A whole number (a JSON number of digits only) within [p_min, p_max]. CASE keeps the cast behind
-- the pattern check: SQL does not promise to evaluate AND's operands in order.
CREATE OR REPLACE FUNCTION guestcard_is_whole(p_value jsonb, p_min bigint, p_max bigint)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN jsonb_typeof(p_value) = 'number' AND p_value::text ~ '^[0-9]{1,16}$'
      THEN p_value::text::bigint BETWEEN p_min AND p_max
    ELSE false
  END
$$;
--> statement-breakpoint

-- Tiers as shared/src/loyalty.ts's loyaltyProgrammeSchema accepts them: 1–10, the first from 0,
-- thresholds rising strictly, names 1–40 characters without control characters, unique.
CREATE OR REPLACE FUNCTION guestcard_is_tier_ladder(p_tiers jsonb)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN jsonb_typeof(p_tiers) IS DISTINCT FROM 'array' OR jsonb_array_length(p_tiers) NOT BETWEEN 1 AND 10
      THEN false
    WHEN EXISTS (
      SELECT 1 FROM jsonb_array_elements(p_tiers) AS t(tier)
       WHERE NOT coalesce(
         jsonb_typeof(tier) = 'object'
         AND jsonb_typeof(tier->'name') = 'string'
         -- 1–40 characters (code points, as zod counts them too).
         AND char_length(tier->>'name') BETWEEN 1 AND 40
         -- Neither leading nor trailing white space as JavaScript's trim() sees it, nor a control
         -- character (\p{Cc}): spelled out, as PostgreSQL's classes depend on the server's locale.
         AND tier->>'name' !~ '^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]'
         AND tier->>'name' !~ '[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]$'
         AND tier->>'name' !~ '[\u0001-\u001f\u007f-\u009f]'
         AND guestcard_is_whole(tier->'threshold', 0, 9007199254740991)
         AND guestcard_is_whole(tier->'earnPercent', 0, 100), false))
      THEN false
    ELSE (p_tiers->0->>'threshold')::bigint = 0
      AND NOT EXISTS (
        SELECT 1
          FROM jsonb_array_elements(p_tiers) WITH ORDINALITY AS a(tier, n)
          JOIN jsonb_array_elements(p_tiers) WITH ORDINALITY AS b(tier, n) ON b.n = a.n + 1
         WHERE (b.tier->>'threshold')::bigint <= (a.tier->>'threshold')::bigint)
      AND (SELECT count(DISTINCT tier->>'name') FROM jsonb_array_elements(p_tiers) AS t(tier))
          = jsonb_array_length(p_tiers)
  END
$$;
--> statement-breakpoint

-- The fields of a stored programme that a manager could have saved; anything else (edited by hand,
-- an older format) is dropped, so the next layer's value applies to that field alone.
CREATE OR REPLACE FUNCTION guestcard_loyalty_valid_fields(p_value jsonb)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(f.key, f.value), '{}'::jsonb)
    FROM jsonb_each(CASE WHEN jsonb_typeof(p_value) = 'object' THEN p_value ELSE '{}'::jsonb END) AS f(key, value)
   WHERE CASE f.key
     WHEN 'tiers' THEN guestcard_is_tier_ladder(f.value)
     WHEN 'maxRedeemPercent' THEN guestcard_is_whole(f.value, 0, 100)
     WHEN 'welcomePoints' THEN guestcard_is_whole(f.value, 0, 1000000)
     WHEN 'birthdayPoints' THEN guestcard_is_whole(f.value, 0, 1000000)
     WHEN 'lapseAfterDays' THEN f.value = 'null'::jsonb OR guestcard_is_whole(f.value, 30, 3650)
     ELSE false
   END
$$;
--> statement-breakpoint

-- docs/api.md's programme, before any environment or manager says otherwise.
CREATE OR REPLACE FUNCTION guestcard_loyalty_builtin_programme()
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT '{"tiers": [{"name": "Standard", "threshold": 0, "earnPercent": 5}],
           "maxRedeemPercent": 30, "welcomePoints": 0, "birthdayPoints": 0, "lapseAfterDays": null}'::jsonb
$$;
--> statement-breakpoint

-- The programme as the settings describe it, field by field: docs/api.md's defaults, overridden by the
-- environment's (the LOYALTY_* variables, stored by each server process at start:
-- api/src/settings/settings.ts), overridden by what a manager saved. Validating costs about a
-- millisecond, so it runs when the settings change (the trigger below), never per bill.
CREATE OR REPLACE FUNCTION guestcard_loyalty_compute_programme()
RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT guestcard_loyalty_builtin_programme()
      || guestcard_loyalty_valid_fields((SELECT value FROM settings WHERE key = 'loyalty_programme_defaults'))
      || guestcard_loyalty_valid_fields((SELECT value FROM settings WHERE key = 'loyalty_programme'))
$$;
--> statement-breakpoint

-- Keeps the programme in force (settings row 'loyalty_programme_in_force') equal to what the other two
-- rows describe, in the transaction that changes them. A trigger, not application code, so that a
-- change made by hand in the database takes effect (or is ignored, if invalid) just the same. The lock
-- on the derived row first: two transactions changing the two source rows at once would otherwise each
-- compute from the other's old row, and the later commit would keep a stale programme.
CREATE OR REPLACE FUNCTION guestcard_loyalty_programme_changed()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM settings WHERE key = 'loyalty_programme_in_force' FOR UPDATE;
  INSERT INTO settings (key, value) VALUES ('loyalty_programme_in_force', guestcard_loyalty_compute_programme())
  ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now();
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE TRIGGER settings_loyalty_programme_written
  AFTER INSERT OR UPDATE ON settings
  FOR EACH ROW WHEN (NEW.key IN ('loyalty_programme_defaults', 'loyalty_programme'))
  EXECUTE FUNCTION guestcard_loyalty_programme_changed();
--> statement-breakpoint

CREATE TRIGGER settings_loyalty_programme_deleted
  AFTER DELETE ON settings
  FOR EACH ROW WHEN (OLD.key IN ('loyalty_programme_defaults', 'loyalty_programme'))
  EXECUTE FUNCTION guestcard_loyalty_programme_changed();
--> statement-breakpoint

INSERT INTO settings (key, value) VALUES ('loyalty_programme_in_force', guestcard_loyalty_compute_programme())
ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now();
--> statement-breakpoint

-- The programme in force: one primary-key lookup. The functions on a till's path are PL/pgSQL because
-- PostgreSQL keeps their query plans for the session; a SQL function with a FROM clause (before
-- PostgreSQL 18) is planned again in every transaction, which cost more than identify itself.
CREATE OR REPLACE FUNCTION guestcard_loyalty_programme()
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT s.value FROM settings s WHERE s.key = 'loyalty_programme_in_force'),
                  guestcard_loyalty_builtin_programme());
END
$$;
--> statement-breakpoint

-- Tiers go by money paid in the last 12 months, counted in calendar months (UTC): the current month
-- and the 12 before it, so never less than a full year. Each guest's balance row keeps what they
-- paid per month (`spent_months`, `spent_amounts`), updated with every bill and refund under the
-- balance lock, so a tier is read from that one row — never from the bills (decision 015).
-- A month's number: months since January 2000.
CREATE OR REPLACE FUNCTION guestcard_month_of(p_at timestamptz)
RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT ((extract(year FROM p_at AT TIME ZONE 'UTC') - 2000) * 12
          + extract(month FROM p_at AT TIME ZONE 'UTC') - 1)::integer
$$;
--> statement-breakpoint

-- The sum of the months from p_from on.
CREATE OR REPLACE FUNCTION guestcard_spent_since(p_months integer[], p_amounts bigint[], p_from integer)
RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  v_total bigint := 0;
BEGIN
  FOR v_index IN 1 .. coalesce(array_length(p_months, 1), 0) LOOP
    IF p_months[v_index] >= p_from THEN
      v_total := v_total + p_amounts[v_index];
    END IF;
  END LOOP;
  RETURN v_total;
END
$$;
--> statement-breakpoint

-- The months with p_delta added to month p_month, without the months before p_keep_from (and without
-- months that came to 0). A refund of a bill from a month already dropped changes nothing: that
-- month no longer counts anyway.
CREATE OR REPLACE FUNCTION guestcard_spent_add(
  p_months integer[], p_amounts bigint[], p_month integer, p_delta bigint, p_keep_from integer,
  OUT months integer[], OUT amounts bigint[]
) LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  v_amount bigint;
  v_added boolean := p_delta = 0 OR p_month < p_keep_from;
BEGIN
  months := '{}';
  amounts := '{}';
  FOR v_index IN 1 .. coalesce(array_length(p_months, 1), 0) LOOP
    CONTINUE WHEN p_months[v_index] < p_keep_from;
    v_amount := p_amounts[v_index];
    IF p_months[v_index] = p_month AND NOT v_added THEN
      v_amount := v_amount + p_delta;
      v_added := true;
    END IF;
    IF v_amount <> 0 THEN
      months := months || p_months[v_index];
      amounts := amounts || v_amount;
    END IF;
  END LOOP;
  IF NOT v_added AND p_delta > 0 THEN
    months := months || p_month;
    amounts := amounts || p_delta;
  END IF;
END
$$;
--> statement-breakpoint

-- Money paid by the guest in the 12 months up to p_now (see above), from their balance row.
CREATE OR REPLACE FUNCTION guestcard_loyalty_spent(p_account uuid, p_now timestamptz)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT guestcard_spent_since(b.spent_months, b.spent_amounts, guestcard_month_of(p_now) - 12)
                     FROM loyalty_balances b WHERE b.account_id = p_account), 0);
END
$$;
--> statement-breakpoint

-- The tier for a 12-month spend (the highest threshold reached) and the next one up, if any. The
-- programme's tiers are stored in rising order of threshold (guestcard_is_tier_ladder), so one pass
-- finds both.
CREATE OR REPLACE FUNCTION guestcard_loyalty_tier_of(
  p_programme jsonb, p_spent bigint,
  OUT name text, OUT earn_percent integer, OUT next_name text, OUT next_threshold bigint
) LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  v_tiers jsonb := p_programme->'tiers';
  v_tier jsonb;
BEGIN
  FOR v_index IN 0 .. jsonb_array_length(v_tiers) - 1 LOOP
    v_tier := v_tiers->v_index;
    IF (v_tier->>'threshold')::bigint > p_spent THEN
      next_name := v_tier->>'name';
      next_threshold := (v_tier->>'threshold')::bigint;
      RETURN;
    END IF;
    name := v_tier->>'name';
    earn_percent := (v_tier->>'earnPercent')::integer;
  END LOOP;
END
$$;
--> statement-breakpoint

-- A guest's standing: balance, 12-month spend, tier, and the programme's percents. No movement is read.
CREATE OR REPLACE FUNCTION guestcard_loyalty_standing(p_account uuid)
RETURNS TABLE (
  balance bigint, spent bigint, tier_name text, earn_percent integer, max_redeem_percent integer,
  next_tier_name text, next_tier_threshold bigint
) LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_programme jsonb := guestcard_loyalty_programme();
  v_balance bigint;
  v_spent bigint;
  v_tier record;
BEGIN
  SELECT coalesce(b.balance, 0),
         coalesce(guestcard_spent_since(b.spent_months, b.spent_amounts, guestcard_month_of(now()) - 12), 0)
    INTO v_balance, v_spent
    FROM (SELECT) AS one LEFT JOIN loyalty_balances b ON b.account_id = p_account;
  SELECT * INTO v_tier FROM guestcard_loyalty_tier_of(v_programme, v_spent);
  RETURN QUERY SELECT v_balance, v_spent, v_tier.name, v_tier.earn_percent,
                      (v_programme->>'maxRedeemPercent')::integer, v_tier.next_name, v_tier.next_threshold;
END
$$;
--> statement-breakpoint

-- A UUID version 7: the time in milliseconds, then the random bits of a version 4 (74 of them).
-- Unguessable like a v4, but time-ordered, so an index on such ids grows at its right edge instead of
-- touching a random page per insert. (PostgreSQL 18 has uuidv7(); 15 does not.)
CREATE OR REPLACE FUNCTION guestcard_uuid_v7(p_at timestamptz)
RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT (substr(lpad(to_hex((extract(epoch FROM p_at) * 1000)::bigint), 12, '0'), 1, 8) || '-'
          || substr(lpad(to_hex((extract(epoch FROM p_at) * 1000)::bigint), 12, '0'), 9, 4) || '-7'
          || substr(gen_random_uuid()::text, 16))::uuid
$$;
--> statement-breakpoint

-- Every bill rewrites its guest's balance row: room left on each page lets PostgreSQL update it in
-- place (a HOT update: no index entry to write, the row has no indexed column that changes).
ALTER TABLE loyalty_balances SET (fillfactor = 80);
--> statement-breakpoint

-- A time as JavaScript's toISOString writes it (UTC, milliseconds), for answers built here.
CREATE OR REPLACE FUNCTION guestcard_iso(p_at timestamptz)
RETURNS text LANGUAGE sql STABLE AS $$
  SELECT to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;
--> statement-breakpoint

-- docs/api.md's error envelope, as compact JSON (row_to_json writes no spaces), so the stored answer
-- is byte for byte what JSON.stringify would send: {"error":{"code":…,"message":…[,"fields":…]}}.
CREATE OR REPLACE FUNCTION guestcard_error_body(p_code text, p_message text, p_fields json DEFAULT NULL)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN p_fields IS NULL
    THEN (SELECT row_to_json(envelope)::text FROM (SELECT
           (SELECT row_to_json(e) FROM (SELECT p_code AS code, p_message AS message) AS e) AS error) AS envelope)
    ELSE (SELECT row_to_json(envelope)::text FROM (SELECT
           (SELECT row_to_json(e) FROM (SELECT p_code AS code, p_message AS message, p_fields AS fields) AS e)
             AS error) AS envelope)
  END
$$;
--> statement-breakpoint

-- Claims a till's Idempotency-Key for this transaction, or tells what it already answered.
--  'claimed': the key is new; the caller does the work and stores its answer under the key.
--  'replay':  the same request was answered (or is being answered: the insert waited on the unique
--             index until that transaction committed); p_status and p_body are that answer.
--  'reused':  the key was used for a different request; the 409 answer is not stored.
CREATE OR REPLACE FUNCTION guestcard_claim_idempotency_key(
  p_terminal text, p_key text, p_operation text, p_fingerprint text
) RETURNS TABLE (outcome text, status integer, body text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_fingerprint text;
  v_status integer;
  v_body text;
BEGIN
  INSERT INTO pos_idempotency_keys (terminal, key, operation, fingerprint)
  VALUES (p_terminal, p_key, p_operation, p_fingerprint)
  ON CONFLICT (terminal, key) DO NOTHING;
  IF FOUND THEN
    RETURN QUERY SELECT 'claimed'::text, NULL::integer, NULL::text;
    RETURN;
  END IF;
  -- A new statement, a new snapshot: the row that conflicted is committed and visible.
  SELECT k.fingerprint, k.status, k.body INTO v_fingerprint, v_status, v_body
    FROM pos_idempotency_keys k WHERE k.terminal = p_terminal AND k.key = p_key;
  IF v_fingerprint = p_fingerprint THEN
    RETURN QUERY SELECT 'replay'::text, v_status, v_body;
  ELSE
    RETURN QUERY SELECT 'reused'::text, 409, guestcard_error_body('idempotency_key_reused',
      'This Idempotency-Key was already used by this terminal for a different request; use a new key for a new request.');
  END IF;
END
$$;
--> statement-breakpoint

-- The guest hears about a bill or a refund in their private chat (through the outbox: the message
-- commits with the change and is delivered afterwards). Only guests the bot can reach.
CREATE OR REPLACE FUNCTION guestcard_enqueue_points_message(p_account uuid, p_payload jsonb)
RETURNS void LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO outbox_jobs (kind, payload)
  SELECT 'guest-points-message', p_payload || jsonb_build_object('accountId', p_account)
   WHERE EXISTS (SELECT 1 FROM telegram_users tu WHERE tu.account_id = p_account);
END
$$;
--> statement-breakpoint

-- Locks the guest's balance row for the rest of the transaction (making it, at 0, on first use) and
-- returns the balance and the time for the movements about to be written. Every writer of points
-- comes through here first: that is what serialises them per guest. The time is read after the lock
-- and is never before the guest's previous movement (`updated_at` is the last one's time), so the
-- ledger's order by time is the order the movements were decided in, even when a transaction waited
-- here for another. The caller has already locked the account (FOR KEY SHARE) so it cannot vanish.
CREATE OR REPLACE FUNCTION guestcard_lock_balance(p_account uuid, OUT o_balance bigint, OUT o_at timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_last_at timestamptz;
BEGIN
  SELECT b.balance, b.updated_at INTO o_balance, v_last_at
    FROM loyalty_balances b WHERE b.account_id = p_account FOR UPDATE;
  IF NOT FOUND THEN
    INSERT INTO loyalty_balances (account_id) VALUES (p_account) ON CONFLICT (account_id) DO NOTHING;
    SELECT b.balance, b.updated_at INTO o_balance, v_last_at
      FROM loyalty_balances b WHERE b.account_id = p_account FOR UPDATE;
  END IF;
  o_at := greatest(date_trunc('milliseconds', clock_timestamp()), v_last_at);
END
$$;
--> statement-breakpoint

-- POST /api/pos/purchases (docs/api.md): one bill against an identification, exactly once per
-- terminal and Idempotency-Key. Answers (status, body) as the till must receive them, and whether
-- it was a replay. Every answer but 'reused' is stored under the key: "the first answer again".
CREATE OR REPLACE FUNCTION guestcard_pos_purchase(
  p_terminal text,
  p_idempotency_key text,
  p_fingerprint text,
  p_identification uuid, -- NULL for an id that is not even a uuid: unknown, like any other
  p_check_id text,
  p_total bigint,
  p_redeem bigint
) RETURNS TABLE (status integer, body text, replayed boolean)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_variable
DECLARE
  v_claim record;
  v_status integer;
  v_body text;
  v_now timestamptz;
  v_programme jsonb;
  v_max_redeem_percent integer;
  v_redeemable bigint;
  v_identification_id bigint;
  v_account_id uuid;
  v_balance bigint;
  v_tier record;
  v_paid bigint;
  v_earned bigint;
  v_purchase_id uuid;
BEGIN
  SELECT * INTO v_claim FROM guestcard_claim_idempotency_key(p_terminal, p_idempotency_key, 'purchase', p_fingerprint);
  IF v_claim.outcome <> 'claimed' THEN
    RETURN QUERY SELECT v_claim.status, v_claim.body, v_claim.outcome = 'replay';
    RETURN;
  END IF;

  v_now := date_trunc('milliseconds', clock_timestamp());
  v_programme := guestcard_loyalty_programme();
  v_max_redeem_percent := (v_programme->>'maxRedeemPercent')::integer;
  v_redeemable := (p_total * v_max_redeem_percent) / 10000;

  SELECT i.id, i.account_id INTO v_identification_id, v_account_id
    FROM card_identifications i
    JOIN accounts a ON a.id = i.account_id
   WHERE i.public_id = p_identification AND i.outcome = 'identified' AND i.valid_until > v_now
     FOR KEY SHARE OF a;

  -- docs/api.md's order: field validation (422) before the caller's state (404, 409).
  IF p_redeem > v_redeemable THEN
    v_status := 422;
    v_body := guestcard_error_body('validation_failed',
      format('At most %s points may pay this bill (%s %% of it).', v_redeemable, v_max_redeem_percent),
      (SELECT row_to_json(f) FROM (SELECT
        format('at most %s points (%s %% of the bill)', v_redeemable, v_max_redeem_percent) AS redeem) AS f));
  ELSIF v_identification_id IS NULL THEN
    v_status := 404;
    v_body := guestcard_error_body('identification_not_found',
      'No identification with this id, or it is past its validity: identify the guest''s card again.');
  ELSE
    SELECT l.o_balance, l.o_at INTO v_balance, v_now FROM guestcard_lock_balance(v_account_id) l;
    IF p_redeem > 0 AND v_balance < p_redeem THEN
      v_status := 409;
      v_body := guestcard_error_body('insufficient_points',
        format('The guest has %s points; this bill asks for %s.', v_balance, p_redeem));
    ELSE
      -- The tier as of before this bill, under the balance lock (no other bill of this guest is
      -- being decided meanwhile), and stored with the bill: later changes never touch it.
      SELECT * INTO v_tier FROM guestcard_loyalty_tier_of(v_programme, guestcard_loyalty_spent(v_account_id, v_now));
      v_paid := p_total - p_redeem * 100;
      v_earned := (v_paid * v_tier.earn_percent) / 10000;

      v_purchase_id := guestcard_uuid_v7(v_now);
      INSERT INTO loyalty_purchases (id, account_id, identification_id, terminal, check_id, total, redeemed, paid,
                                     earned, tier_name, earn_percent, max_redeem_percent, at)
      VALUES (v_purchase_id, v_account_id, v_identification_id, p_terminal, p_check_id, p_total, p_redeem, v_paid,
              v_earned, v_tier.name, v_tier.earn_percent, v_max_redeem_percent, v_now);

      IF p_redeem > 0 THEN
        v_balance := v_balance - p_redeem;
        INSERT INTO loyalty_movements (account_id, kind, points, balance_after, purchase_id, terminal, at)
        VALUES (v_account_id, 'redeem', -p_redeem, v_balance, v_purchase_id, p_terminal, v_now);
      END IF;
      IF v_earned > 0 THEN
        v_balance := v_balance + v_earned;
        INSERT INTO loyalty_movements (account_id, kind, points, balance_after, purchase_id, terminal, at)
        VALUES (v_account_id, 'earn', v_earned, v_balance, v_purchase_id, p_terminal, v_now);
      END IF;
      UPDATE loyalty_balances b
         SET balance = v_balance, last_visit_at = v_now, updated_at = v_now,
             (spent_months, spent_amounts) = (
               SELECT spent.months, spent.amounts
                 FROM guestcard_spent_add(b.spent_months, b.spent_amounts, guestcard_month_of(v_now), v_paid,
                                          guestcard_month_of(v_now) - 12) AS spent)
       WHERE b.account_id = v_account_id;

      PERFORM guestcard_enqueue_points_message(v_account_id, jsonb_build_object(
        'event', 'purchase', 'purchaseId', v_purchase_id, 'checkId', p_check_id, 'total', p_total,
        'redeemed', p_redeem, 'earned', v_earned, 'balance', v_balance));

      v_status := 201;
      SELECT row_to_json(answer)::text INTO v_body FROM (SELECT
        (SELECT row_to_json(p) FROM (SELECT v_purchase_id AS id, p_check_id AS "checkId", p_total AS total,
                p_redeem AS redeemed, v_paid AS paid, v_earned AS earned, guestcard_iso(v_now) AS at,
                p_terminal AS terminal) AS p) AS purchase,
        v_balance AS balance) AS answer;
    END IF;
  END IF;

  UPDATE pos_idempotency_keys k
     SET status = v_status, body = v_body, purchase_id = v_purchase_id
   WHERE k.terminal = p_terminal AND k.key = p_idempotency_key;
  RETURN QUERY SELECT v_status, v_body, false;
END
$$;
--> statement-breakpoint

-- POST /api/pos/purchases/{id}/refund (docs/api.md): undoes a bill in one step — the points it
-- earned are taken back, the points it redeemed returned — exactly once per terminal and key, and
-- once per bill whatever the key. The balance may go below zero here, and only here.
CREATE OR REPLACE FUNCTION guestcard_pos_refund(
  p_terminal text,
  p_idempotency_key text,
  p_fingerprint text,
  p_purchase uuid -- NULL for an id that is not even a uuid
) RETURNS TABLE (status integer, body text, replayed boolean)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_variable
DECLARE
  v_claim record;
  v_status integer;
  v_body text;
  v_now timestamptz;
  v_purchase record;
  v_balance bigint;
  v_points bigint;
BEGIN
  SELECT * INTO v_claim FROM guestcard_claim_idempotency_key(p_terminal, p_idempotency_key, 'refund', p_fingerprint);
  IF v_claim.outcome <> 'claimed' THEN
    RETURN QUERY SELECT v_claim.status, v_claim.body, v_claim.outcome = 'replay';
    RETURN;
  END IF;

  -- The bill's lock decides between two refunds of it with different keys: the second waits here,
  -- then sees it refunded.
  SELECT p.id, p.account_id, p.check_id, p.total, p.redeemed, p.paid, p.earned, p.at, p.refunded_at INTO v_purchase
    FROM loyalty_purchases p
    JOIN accounts a ON a.id = p.account_id
   WHERE p.id = p_purchase
     FOR UPDATE OF p FOR KEY SHARE OF a;

  IF v_purchase.id IS NULL THEN
    v_status := 404;
    v_body := guestcard_error_body('purchase_not_found', 'No purchase with this id.');
  ELSIF v_purchase.refunded_at IS NOT NULL THEN
    v_status := 409;
    v_body := guestcard_error_body('already_refunded',
      format('This purchase was already refunded at %s.', guestcard_iso(v_purchase.refunded_at)));
  ELSE
    SELECT l.o_balance, l.o_at INTO v_balance, v_now FROM guestcard_lock_balance(v_purchase.account_id) l;
    v_points := v_purchase.redeemed - v_purchase.earned;
    v_balance := v_balance + v_points;
    INSERT INTO loyalty_movements (account_id, kind, points, balance_after, purchase_id, terminal, at)
    VALUES (v_purchase.account_id, 'refund', v_points, v_balance, v_purchase.id, p_terminal, v_now);
    UPDATE loyalty_purchases SET refunded_at = v_now, refund_terminal = p_terminal WHERE id = v_purchase.id;
    UPDATE loyalty_balances b
       SET balance = v_balance, updated_at = v_now,
           (spent_months, spent_amounts) = (
             SELECT spent.months, spent.amounts
               FROM guestcard_spent_add(b.spent_months, b.spent_amounts, guestcard_month_of(v_purchase.at),
                                        -v_purchase.paid, guestcard_month_of(v_now) - 12) AS spent)
     WHERE b.account_id = v_purchase.account_id;

    PERFORM guestcard_enqueue_points_message(v_purchase.account_id, jsonb_build_object(
      'event', 'refund', 'purchaseId', v_purchase.id, 'checkId', v_purchase.check_id,
      'total', v_purchase.total, 'points', v_points, 'balance', v_balance));

    v_status := 200;
    SELECT row_to_json(answer)::text INTO v_body FROM (SELECT
      (SELECT row_to_json(r) FROM (SELECT v_purchase.id AS "purchaseId", v_points AS points,
              guestcard_iso(v_now) AS at) AS r) AS refund,
      v_balance AS balance) AS answer;
  END IF;

  UPDATE pos_idempotency_keys k
     SET status = v_status, body = v_body, purchase_id = v_purchase.id
   WHERE k.terminal = p_terminal AND k.key = p_idempotency_key;
  RETURN QUERY SELECT v_status, v_body, false;
END
$$;
--> statement-breakpoint

-- A movement that is not a bill's: welcome, birthday, a manager's adjustment, a lapse. Under the
-- balance lock, like every other. p_occasion makes it once-only (the unique index decides: a second
-- run, in any process, finds the first's row and changes nothing). A debit never takes the balance
-- below zero: only a refund may.
--  outcome: 'posted' | 'duplicate' | 'insufficient_points' | 'no_account'
CREATE OR REPLACE FUNCTION guestcard_loyalty_post(
  p_account uuid, p_kind text, p_points bigint, p_occasion text, p_manager bigint, p_reason text
) RETURNS TABLE (outcome text, balance bigint)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_variable
DECLARE
  v_balance bigint;
  v_at timestamptz;
BEGIN
  PERFORM 1 FROM accounts a WHERE a.id = p_account FOR KEY SHARE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'no_account'::text, NULL::bigint;
    RETURN;
  END IF;
  SELECT l.o_balance, l.o_at INTO v_balance, v_at FROM guestcard_lock_balance(p_account) l;
  IF p_points < 0 AND v_balance + p_points < 0 THEN
    RETURN QUERY SELECT 'insufficient_points'::text, v_balance;
    RETURN;
  END IF;
  INSERT INTO loyalty_movements (account_id, kind, points, balance_after, manager_telegram_id, reason, occasion, at)
  VALUES (p_account, p_kind, p_points, v_balance + p_points, p_manager, p_reason, p_occasion, v_at)
  ON CONFLICT (account_id, kind, occasion) WHERE occasion IS NOT NULL DO NOTHING;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'duplicate'::text, v_balance;
    RETURN;
  END IF;
  UPDATE loyalty_balances b SET balance = v_balance + p_points, updated_at = v_at WHERE b.account_id = p_account;
  RETURN QUERY SELECT 'posted'::text, v_balance + p_points;
END
$$;
--> statement-breakpoint

-- Welcome points, once per account, when it joins (registration, or an imported guest's link).
CREATE OR REPLACE FUNCTION guestcard_loyalty_welcome(p_account uuid)
RETURNS TABLE (outcome text, balance bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_points bigint := (guestcard_loyalty_programme()->>'welcomePoints')::bigint;
BEGIN
  IF v_points = 0 THEN
    RETURN QUERY SELECT 'off'::text, NULL::bigint;
    RETURN;
  END IF;
  RETURN QUERY SELECT * FROM guestcard_loyalty_post(p_account, 'welcome', v_points, 'welcome', NULL, NULL);
END
$$;
--> statement-breakpoint

-- Birthday points for the guests (linked to Telegram) whose birthday is p_on; a 29 February
-- birthday counts on 28 February in other years. Once per guest and year: the occasion is the year.
-- Returns how many were credited now (0 when the step already ran today, here or elsewhere).
CREATE OR REPLACE FUNCTION guestcard_loyalty_birthdays(p_on date)
RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_points bigint := (guestcard_loyalty_programme()->>'birthdayPoints')::bigint;
  v_account uuid;
  v_credited integer := 0;
  v_outcome text;
  v_leap boolean := extract(day FROM make_date(extract(year FROM p_on)::integer, 3, 1) - 1) = 29;
BEGIN
  IF v_points = 0 THEN
    RETURN 0;
  END IF;
  FOR v_account IN
    SELECT a.id FROM accounts a
     WHERE a.birthday IS NOT NULL
       AND EXISTS (SELECT 1 FROM telegram_users tu WHERE tu.account_id = a.id)
       AND (
         (extract(month FROM a.birthday) = extract(month FROM p_on) AND extract(day FROM a.birthday) = extract(day FROM p_on))
         OR (NOT v_leap AND extract(month FROM p_on) = 2 AND extract(day FROM p_on) = 28
             AND extract(month FROM a.birthday) = 2 AND extract(day FROM a.birthday) = 29))
     ORDER BY a.id
  LOOP
    SELECT p.outcome INTO v_outcome
      FROM guestcard_loyalty_post(v_account, 'birthday', v_points, extract(year FROM p_on)::integer::text, NULL, NULL) p;
    IF v_outcome = 'posted' THEN
      v_credited := v_credited + 1;
    END IF;
  END LOOP;
  RETURN v_credited;
END
$$;
--> statement-breakpoint

-- Points lapse after lapseAfterDays without a bill (off when null): an 'expire' movement takes the
-- whole positive balance, nothing is deleted. One call looks at the next p_limit guests after
-- p_after in key order (the balance rows have no other index: see the schema), so the daily step
-- walks them all in short steps and no lock is held long; it stops when last_account comes back null.
-- Each balance is re-checked under its lock: a bill that arrives meanwhile keeps the points, and a
-- second run finds nothing to do.
CREATE OR REPLACE FUNCTION guestcard_loyalty_lapse(p_after uuid, p_limit integer)
RETURNS TABLE (lapsed integer, last_account uuid) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_variable
DECLARE
  v_days integer := (guestcard_loyalty_programme()->>'lapseAfterDays')::integer;
  v_cutoff timestamptz;
  v_candidate record;
  v_balance bigint;
  v_at timestamptz;
  v_lapsed integer := 0;
  v_last uuid;
BEGIN
  IF v_days IS NULL THEN
    RETURN QUERY SELECT 0, NULL::uuid;
    RETURN;
  END IF;
  v_cutoff := now() - make_interval(days => v_days);
  FOR v_candidate IN
    SELECT b.account_id, b.balance > 0 AND b.last_visit_at < v_cutoff AS due
      FROM loyalty_balances b
     WHERE b.account_id > coalesce(p_after, '00000000-0000-0000-0000-000000000000'::uuid)
     ORDER BY b.account_id
     LIMIT p_limit
  LOOP
    v_last := v_candidate.account_id;
    CONTINUE WHEN NOT v_candidate.due;
    PERFORM 1 FROM accounts a WHERE a.id = v_candidate.account_id FOR KEY SHARE;
    CONTINUE WHEN NOT FOUND; -- deleted meanwhile, balance and all
    SELECT l.o_balance, l.o_at INTO v_balance, v_at FROM guestcard_lock_balance(v_candidate.account_id) l;
    -- Re-checked under the lock: a bill (or another run of this step) may have come first.
    IF v_balance > 0
       AND (SELECT b.last_visit_at FROM loyalty_balances b WHERE b.account_id = v_candidate.account_id) < v_cutoff THEN
      INSERT INTO loyalty_movements (account_id, kind, points, balance_after, reason, at)
      VALUES (v_candidate.account_id, 'expire', -v_balance, 0, format('no visit for %s days', v_days), v_at);
      UPDATE loyalty_balances b SET balance = 0, updated_at = v_at WHERE b.account_id = v_candidate.account_id;
      v_lapsed := v_lapsed + 1;
    END IF;
  END LOOP;
  RETURN QUERY SELECT v_lapsed, v_last;
END
$$;
--> statement-breakpoint

-- The identify of migration 0003 grows: the identification the till closes bills with (a random
-- public id, valid for p_identification_ttl_seconds) and the guest's loyalty standing — still one
-- statement, one round trip (docs/decisions/005-pos-identify-in-one-statement.md). The return type
-- changes, so the old function is dropped rather than replaced.
DROP FUNCTION IF EXISTS guestcard_pos_identify(text, text, text, integer, integer);
--> statement-breakpoint

CREATE FUNCTION guestcard_pos_identify(
  p_terminal text,
  -- 'pin' | 'code': look it up; 'invalid': a 422 miss; 'unreadable': a 400/413 body, only the limit applies
  p_kind text,
  p_digits text,
  p_max_misses integer,
  p_window_seconds integer,
  p_identification_ttl_seconds integer
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
  first_visit boolean,
  identification_id uuid,
  valid_until_ms double precision,
  balance bigint,
  tier_name text,
  earn_percent integer,
  max_redeem_percent integer
) LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  v_now timestamptz;
  v_oldest_counted_miss timestamptz;
  v_card_id uuid;
  v_account_id uuid;
  v_expires_at timestamptz;
  v_public_id uuid;
  v_valid_until timestamptz;
  v_programme jsonb;
  v_balance bigint;
  v_spent bigint;
  v_tier_name text;
  v_earn_percent integer;
BEGIN
  -- Not waiting for the WAL flush at commit lets one terminal's serialised identifications keep up
  -- with a busy till. A crash may lose the last fraction of a second of these rows: the miss counter,
  -- the audit, and identifications no bill has used yet (the till then gets 404 and reads the card
  -- again). It can never lose one a bill was closed against: the bill commits synchronously, which
  -- flushes the WAL up to its own record, past this earlier one (docs/decisions/015-points-ledger.md).
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(hashtextextended('guestcard:pos-identify:' || p_terminal, 0));
  v_now := date_trunc('milliseconds', clock_timestamp());

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
      NULL::uuid, NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::float8, NULL::bigint, NULL::boolean,
      NULL::uuid, NULL::float8, NULL::bigint, NULL::text, NULL::integer, NULL::integer;
    RETURN;
  END IF;

  IF p_kind = 'unreadable' THEN
    RETURN QUERY SELECT 'allowed'::text, NULL::integer,
      NULL::uuid, NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::float8, NULL::bigint, NULL::boolean,
      NULL::uuid, NULL::float8, NULL::bigint, NULL::text, NULL::integer, NULL::integer;
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
      NULL::uuid, NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::float8, NULL::bigint, NULL::boolean,
      NULL::uuid, NULL::float8, NULL::bigint, NULL::text, NULL::integer, NULL::integer;
    RETURN;
  END IF;

  -- The audit row of a success is the identification, under a time-ordered random id (UUID v7).
  v_public_id := guestcard_uuid_v7(v_now);
  v_valid_until := v_now + make_interval(secs => p_identification_ttl_seconds);
  INSERT INTO card_identifications (terminal, outcome, card_id, account_id, at, public_id, valid_until)
  VALUES (p_terminal, 'identified', v_card_id, v_account_id, v_now, v_public_id, v_valid_until);

  -- The guest's standing, as guestcard_loyalty_standing computes it, written out in one statement:
  -- identify is the till's hottest call, and each function call and statement here costs a measurable
  -- share of it (docs/decisions/015-points-ledger.md, "Tiers without scanning the ledger").
  SELECT coalesce(s.value, guestcard_loyalty_builtin_programme()), coalesce(b.balance, 0),
         coalesce(guestcard_spent_since(b.spent_months, b.spent_amounts, guestcard_month_of(v_now) - 12), 0)
    INTO v_programme, v_balance, v_spent
    FROM (SELECT) AS one
    LEFT JOIN settings s ON s.key = 'loyalty_programme_in_force'
    LEFT JOIN loyalty_balances b ON b.account_id = v_account_id;
  SELECT t.name, t.earn_percent INTO v_tier_name, v_earn_percent FROM guestcard_loyalty_tier_of(v_programme, v_spent) t;
  -- first_visit: the guest's funnel has no first visit yet (the caller records it).
  RETURN QUERY
    SELECT 'identified'::text, NULL::integer, v_card_id, v_account_id, a.first_name, a.last_name, a.phone,
           (extract(epoch FROM v_expires_at) * 1000)::float8, tu.id,
           tu.id IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM source_events e WHERE e.telegram_user_id = tu.id AND e.kind = 'first_visit'),
           v_public_id, (extract(epoch FROM v_valid_until) * 1000)::float8,
           v_balance, v_tier_name, v_earn_percent, (v_programme->>'maxRedeemPercent')::integer
      FROM accounts a
      LEFT JOIN telegram_users tu ON tu.account_id = a.id
     WHERE a.id = v_account_id;
END
$$;
