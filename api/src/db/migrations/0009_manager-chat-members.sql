CREATE TABLE "manager_chat_members" (
	"chat_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"status" text NOT NULL,
	"is_member" boolean NOT NULL,
	"as_of" timestamp with time zone NOT NULL,
	CONSTRAINT "manager_chat_members_chat_id_user_id_pk" PRIMARY KEY("chat_id","user_id")
);
