CREATE TABLE "manager_actions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"manager_telegram_id" bigint NOT NULL,
	"action" text NOT NULL,
	"account_id" uuid,
	"reason" text NOT NULL,
	"details" jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "phone_conflicts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"phone" text NOT NULL,
	"account_id" uuid,
	"holder_telegram_user_id" bigint,
	"claimant_telegram_user_id" bigint NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" bigint,
	"reason" text,
	CONSTRAINT "phone_conflicts_decision" CHECK (("phone_conflicts"."status" = 'open') = ("phone_conflicts"."decided_at" is null) and ("phone_conflicts"."status" = 'open' or ("phone_conflicts"."decided_by" is not null and "phone_conflicts"."reason" is not null)))
);
--> statement-breakpoint
ALTER TABLE "manager_actions" ADD CONSTRAINT "manager_actions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_conflicts" ADD CONSTRAINT "phone_conflicts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_conflicts" ADD CONSTRAINT "phone_conflicts_holder_telegram_user_id_telegram_users_id_fk" FOREIGN KEY ("holder_telegram_user_id") REFERENCES "public"."telegram_users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_conflicts" ADD CONSTRAINT "phone_conflicts_claimant_telegram_user_id_telegram_users_id_fk" FOREIGN KEY ("claimant_telegram_user_id") REFERENCES "public"."telegram_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "manager_actions_account_idx" ON "manager_actions" USING btree ("account_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "phone_conflicts_open_idx" ON "phone_conflicts" USING btree ("account_id","claimant_telegram_user_id") WHERE "phone_conflicts"."status" = 'open';--> statement-breakpoint
CREATE INDEX "phone_conflicts_status_idx" ON "phone_conflicts" USING btree ("status","created_at");