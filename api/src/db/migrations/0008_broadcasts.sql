CREATE TABLE "birthday_greetings" (
	"account_id" uuid NOT NULL,
	"year" integer NOT NULL,
	"greeted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "birthday_greetings_account_id_year_pk" PRIMARY KEY("account_id","year")
);
--> statement-breakpoint
CREATE TABLE "broadcast_recipients" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"broadcast_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"chat_id" bigint NOT NULL,
	"language_code" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"lease_token" uuid,
	"message_id" integer,
	"last_error" text,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "broadcasts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"text" text NOT NULL,
	"open_app_button" boolean DEFAULT false NOT NULL,
	"segment" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"recipients" integer DEFAULT 0 NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"blocked" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"cancelled" boolean DEFAULT false NOT NULL,
	"created_by" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"paused_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "telegram_rate_buckets" (
	"key" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "telegram_users" ADD COLUMN "private_chat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "birthday_greetings" ADD CONSTRAINT "birthday_greetings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcast_recipients" ADD CONSTRAINT "broadcast_recipients_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "broadcast_recipients_chat_idx" ON "broadcast_recipients" USING btree ("broadcast_id","chat_id");--> statement-breakpoint
CREATE INDEX "broadcast_recipients_due_idx" ON "broadcast_recipients" USING btree ("broadcast_id","run_at") WHERE "broadcast_recipients"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "broadcasts_created_idx" ON "broadcasts" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "broadcasts_active_idx" ON "broadcasts" USING btree ("created_at") WHERE "broadcasts"."status" <> 'done';--> statement-breakpoint
CREATE INDEX "card_identifications_account_idx" ON "card_identifications" USING btree ("account_id","at") WHERE "card_identifications"."outcome" = 'identified';--> statement-breakpoint

-- Users we already know have a private chat with the bot: they shared their contact there (the only
-- way a phone is ever stored) or sent /start (the funnel's `started` step).
UPDATE "telegram_users" tu SET "private_chat_at" = coalesce(tu."phone_verified_at", tu."created_at")
 WHERE tu."phone" IS NOT NULL
    OR EXISTS (SELECT 1 FROM "source_events" se WHERE se."telegram_user_id" = tu."id" AND se."kind" = 'started');
--> statement-breakpoint

-- Whether the guest's latest marketing choice is a yes (the consent history is append-only: the newest
-- row is the one in force). The one definition the broadcast list, the sender and the birthday
-- greeting share (docs/decisions/024-broadcasts.md).
CREATE OR REPLACE FUNCTION guestcard_marketing_consent(p_account uuid)
RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT c.granted FROM consents c
                    WHERE c.account_id = p_account AND c.kind = 'marketing'
                    ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1), false)
$$;
--> statement-breakpoint

-- Migration 0006's birthday step, with the greeting (issue 13): when the manager setting
-- 'birthday_greeting' is true, a guest whose birthday is p_on, who agreed to marketing and whose private
-- chat with the bot is known, gets one greeting a year — a row in birthday_greetings (its key decides,
-- across processes and restarts) and an outbox job, committed in the same transaction as the birthday
-- points. Everyone else linked to Telegram gets the points alone, as before. Returns how many guests
-- were credited points now.
CREATE OR REPLACE FUNCTION guestcard_loyalty_birthdays(p_on date)
RETURNS integer LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_points bigint := (guestcard_loyalty_programme()->>'birthdayPoints')::bigint;
  v_greet boolean := coalesce((SELECT s.value = 'true'::jsonb FROM settings s WHERE s.key = 'birthday_greeting'), false);
  v_year integer := extract(year FROM p_on)::integer;
  v_guest record;
  v_credited integer := 0;
  v_outcome text;
  v_leap boolean := extract(day FROM make_date(extract(year FROM p_on)::integer, 3, 1) - 1) = 29;
BEGIN
  IF v_points = 0 AND NOT v_greet THEN
    RETURN 0;
  END IF;
  FOR v_guest IN
    SELECT a.id, tu.id AS chat_id, tu.private_chat_at IS NOT NULL AS reachable
      FROM accounts a
      JOIN telegram_users tu ON tu.account_id = a.id
     WHERE a.birthday IS NOT NULL
       AND (
         (extract(month FROM a.birthday) = extract(month FROM p_on) AND extract(day FROM a.birthday) = extract(day FROM p_on))
         OR (NOT v_leap AND extract(month FROM p_on) = 2 AND extract(day FROM p_on) = 28
             AND extract(month FROM a.birthday) = 2 AND extract(day FROM a.birthday) = 29))
     ORDER BY a.id
  LOOP
    v_outcome := 'off';
    IF v_points > 0 THEN
      SELECT p.outcome INTO v_outcome
        FROM guestcard_loyalty_post(v_guest.id, 'birthday', v_points, v_year::text, NULL, NULL) p;
      IF v_outcome = 'posted' THEN
        v_credited := v_credited + 1;
      END IF;
    END IF;
    IF v_greet AND v_guest.reachable AND v_outcome <> 'no_account' AND guestcard_marketing_consent(v_guest.id) THEN
      INSERT INTO birthday_greetings (account_id, year) VALUES (v_guest.id, v_year)
      ON CONFLICT DO NOTHING;
      IF FOUND THEN
        INSERT INTO outbox_jobs (kind, payload)
        VALUES ('birthday-greeting', jsonb_build_object(
          'accountId', v_guest.id, 'year', v_year,
          'points', CASE WHEN v_outcome IN ('posted', 'duplicate') THEN v_points ELSE 0 END));
      END IF;
    END IF;
  END LOOP;
  RETURN v_credited;
END
$$;
