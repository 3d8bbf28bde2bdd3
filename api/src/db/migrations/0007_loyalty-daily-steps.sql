CREATE TABLE "loyalty_daily_steps" (
	"day" date PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"birthdays" integer,
	"lapsed" integer
);
