CREATE TABLE "loyalty_balances" (
	"account_id" uuid PRIMARY KEY NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"spent_months" integer[] DEFAULT '{}' NOT NULL,
	"spent_amounts" bigint[] DEFAULT '{}' NOT NULL,
	"last_visit_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loyalty_movements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid,
	"kind" text NOT NULL,
	"points" bigint NOT NULL,
	"balance_after" bigint NOT NULL,
	"purchase_id" uuid,
	"terminal" text,
	"manager_telegram_id" bigint,
	"reason" text,
	"occasion" text,
	"at" timestamp with time zone DEFAULT date_trunc('milliseconds', now()) NOT NULL,
	CONSTRAINT "loyalty_movements_points" CHECK ("loyalty_movements"."points" <> 0 or "loyalty_movements"."kind" = 'refund'),
	CONSTRAINT "loyalty_movements_cause" CHECK (("loyalty_movements"."kind" in ('earn', 'redeem', 'refund')) = ("loyalty_movements"."purchase_id" is not null and "loyalty_movements"."terminal" is not null)
        and ("loyalty_movements"."kind" <> 'adjust' or ("loyalty_movements"."manager_telegram_id" is not null and "loyalty_movements"."reason" is not null)))
);
--> statement-breakpoint
CREATE TABLE "loyalty_purchases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid,
	"identification_id" bigint NOT NULL,
	"terminal" text NOT NULL,
	"check_id" text NOT NULL,
	"total" bigint NOT NULL,
	"redeemed" bigint NOT NULL,
	"paid" bigint NOT NULL,
	"earned" bigint NOT NULL,
	"tier_name" text NOT NULL,
	"earn_percent" integer NOT NULL,
	"max_redeem_percent" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"refunded_at" timestamp with time zone,
	"refund_terminal" text,
	CONSTRAINT "loyalty_purchases_total" CHECK ("loyalty_purchases"."total" > 0),
	CONSTRAINT "loyalty_purchases_redeemed" CHECK ("loyalty_purchases"."redeemed" >= 0),
	CONSTRAINT "loyalty_purchases_paid" CHECK ("loyalty_purchases"."paid" = "loyalty_purchases"."total" - "loyalty_purchases"."redeemed" * 100 and "loyalty_purchases"."paid" >= 0),
	CONSTRAINT "loyalty_purchases_earned" CHECK ("loyalty_purchases"."earned" >= 0),
	CONSTRAINT "loyalty_purchases_percents" CHECK ("loyalty_purchases"."earn_percent" between 0 and 100 and "loyalty_purchases"."max_redeem_percent" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "pos_idempotency_keys" (
	"terminal" text NOT NULL,
	"key" text NOT NULL,
	"operation" text NOT NULL,
	"fingerprint" text NOT NULL,
	"status" integer,
	"body" text,
	"purchase_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pos_idempotency_keys_terminal_key_pk" PRIMARY KEY("terminal","key")
);
--> statement-breakpoint
ALTER TABLE "card_identifications" ADD COLUMN "public_id" uuid;--> statement-breakpoint
ALTER TABLE "card_identifications" ADD COLUMN "valid_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "loyalty_balances" ADD CONSTRAINT "loyalty_balances_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_movements" ADD CONSTRAINT "loyalty_movements_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "loyalty_purchases" ADD CONSTRAINT "loyalty_purchases_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "loyalty_movements_history_idx" ON "loyalty_movements" USING btree ("account_id","at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_movements_once_idx" ON "loyalty_movements" USING btree ("account_id","kind","occasion") WHERE "loyalty_movements"."occasion" is not null;--> statement-breakpoint
CREATE INDEX "loyalty_movements_at_idx" ON "loyalty_movements" USING brin ("at");--> statement-breakpoint
CREATE INDEX "loyalty_purchases_account_idx" ON "loyalty_purchases" USING btree ("account_id","at");--> statement-breakpoint
CREATE INDEX "loyalty_purchases_terminal_idx" ON "loyalty_purchases" USING btree ("terminal","at");--> statement-breakpoint
CREATE INDEX "loyalty_purchases_at_idx" ON "loyalty_purchases" USING brin ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "card_identifications_public_id_idx" ON "card_identifications" USING btree ("public_id") WHERE "card_identifications"."public_id" is not null;