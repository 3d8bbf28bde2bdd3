import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// docs/upgrades.md: while a new version rolls out, the previous one keeps running on the migrated
// schema, so a migration only adds (expand); removing or changing what the previous version uses
// (contract) waits for a later release, once nothing running still uses it. This reads every
// migration's statements and refuses the destructive kinds. It stands in for running the previous
// release's server against the new schema: that needs a second checkout and install of the previous
// release on every run, too heavy for the shared two-core machine (docs/decisions/023-operator-kit.md).
const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));

/** What a running previous version may trip over, each with why. */
const destructive: [RegExp, string][] = [
  [
    /\bdrop\s+(table|column|view|materialized\s+view|function|procedure|type|schema|sequence|trigger)\b/i,
    "drops something",
  ],
  [/\brename\b/i, "renames something"],
  [/\balter\s+type\b/i, "changes a type"],
  [/\balter\s+column\s+\S+\s+(set\s+data\s+)?type\b/i, "changes a column's type"],
  [/\balter\s+column\s+\S+\s+set\s+not\s+null\b/i, "makes a column required that older writers leave empty"],
  [/\bdrop\s+constraint\b/i, "drops a constraint the previous version relies on"],
  [/\btruncate\b|\bdelete\s+from\b/i, "removes rows"],
];

/**
 * Statements that went out before the rule was written down, each checked by hand: kept here so the
 * test stays a gate for every later migration. Nothing may be added to this list.
 */
const before023: Record<string, string> = {
  // The old signature was replaced in the release that changed its only caller; an older server
  // still running during that rollout would have failed its identifications (docs/upgrades.md).
  "0006_loyalty-functions.sql":
    "DROP FUNCTION IF EXISTS guestcard_pos_identify(text, text, text, integer, integer);",
};

/** A migration's statements, comments and string literals and function bodies left out. */
export function statementsOf(sql: string): string[] {
  return sql
    .split("--> statement-breakpoint")
    .map((statement) =>
      statement
        .replace(/\$(\w*)\$[\s\S]*?\$\1\$/g, "$$body$$")
        .replace(/'(?:[^']|'')*'/g, "''")
        .replace(/--.*$/gm, "")
        .trim(),
    )
    .filter((statement) => statement !== "");
}

describe("migrations are additive (expand now, contract in a later release)", () => {
  const files = readdirSync(migrationsFolder)
    .filter((name) => name.endsWith(".sql"))
    .sort();

  it("finds the migrations", () => {
    expect(files.length).toBeGreaterThanOrEqual(7);
  });

  it.each(files)("%s drops, renames and retypes nothing", (file) => {
    const problems = statementsOf(readFileSync(join(migrationsFolder, file), "utf8"))
      .filter((statement) => statement !== before023[file])
      .flatMap((statement) =>
        destructive.filter(([pattern]) => pattern.test(statement)).map(([, why]) => `${why}: ${statement}`),
      );
    expect(problems).toEqual([]);
  });

  it("catches what it is meant to catch", () => {
    const caught = (sql: string) =>
      statementsOf(sql).some((statement) => destructive.some(([pattern]) => pattern.test(statement)));
    expect(caught('ALTER TABLE "accounts" DROP COLUMN "email";')).toBe(true);
    expect(caught('ALTER TABLE "cards" RENAME COLUMN "pin" TO "code";')).toBe(true);
    expect(caught('ALTER TABLE "cards" ALTER COLUMN "pin" SET DATA TYPE integer;')).toBe(true);
    expect(caught('ALTER TABLE "cards" ALTER COLUMN "pin" SET NOT NULL;')).toBe(true);
    expect(caught("DROP TABLE reviews;")).toBe(true);
    expect(caught('ALTER TABLE "accounts" ADD COLUMN "nickname" text;')).toBe(false);
    expect(caught("CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ select 1 $$;")).toBe(false);
    // Words inside a function body or a comment are not statements of the migration.
    expect(
      caught("CREATE FUNCTION g() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DELETE FROM t; END $$;"),
    ).toBe(false);
    expect(caught("-- drop table reviews\nSELECT 1;")).toBe(false);
  });
});
