CREATE TABLE "guest_import_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"file" bytea,
	"file_sha256" text NOT NULL,
	"accounts_total" integer NOT NULL,
	"accounts_done" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"errors" jsonb NOT NULL,
	"started_by" bigint,
	"lease_token" uuid,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "guest_import_runs_running_idx" ON "guest_import_runs" USING btree ("lease_until") WHERE "guest_import_runs"."status" = 'running';