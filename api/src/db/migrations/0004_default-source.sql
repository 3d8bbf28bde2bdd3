-- The acquisition source of the plain bot link (no start code): guests who come without a tagged
-- link count here, so the funnel's total always adds up. Its code is reserved ("default").
INSERT INTO "sources" ("code", "name") VALUES ('default', 'Direct link') ON CONFLICT ("code") DO NOTHING;
