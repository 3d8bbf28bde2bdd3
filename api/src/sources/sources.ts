import { randomBytes } from "node:crypto";
import {
  type CreateSourceRequest,
  defaultSourceCode,
  type Source,
  sourceLinks,
  type UpdateSourceRequest,
} from "@guestcard/shared";
import { asc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { sources } from "../db/schema";
import { ApiError } from "../errors";
import { isUniqueViolation } from "../guests/guests";
import { defaultSourceId } from "./attribution";

type SourceRow = typeof sources.$inferSelect;

/** Where the links point: the bot's @username and the Mini App's short name (a manager setting). */
export interface LinkTarget {
  botUsername: string;
  miniAppShortName: string;
}

export function toSourceDto(row: SourceRow, target: LinkTarget): Source {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    isDefault: row.code === defaultSourceCode,
    archivedAt: row.archivedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    links: sourceLinks(target.botUsername, target.miniAppShortName, row.code),
  };
}

/** Every source, the default one first, then the newest; archived ones too (the screen folds them). */
export async function listSources(db: Database): Promise<SourceRow[]> {
  await defaultSourceId(db);
  return db
    .select()
    .from(sources)
    .orderBy(
      sql`${sources.code} = ${defaultSourceCode} desc`,
      sql`${sources.archivedAt} is not null`,
      asc(sources.id),
    )
    .then((rows) => rows);
}

/**
 * Creates a source. A code the manager chose must be free (409 otherwise: it may already be printed
 * on a poster for another source); a generated one is retried until it is.
 */
export async function createSource(db: Database, input: CreateSourceRequest): Promise<SourceRow> {
  await defaultSourceId(db); // so that nobody can claim the default source's code first
  const chosen = input.code ?? undefined;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const code = chosen ?? generateSourceCode();
    try {
      const [row] = await db.insert(sources).values({ code, name: input.name }).returning();
      if (!row) throw new Error("insert returned no source");
      return row;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (chosen !== undefined) {
        throw new ApiError(
          "conflict",
          `A source with the code "${chosen}" already exists; choose another code.`,
          { code: { code: "already_used" } },
        );
      }
    }
  }
  throw new Error("Could not generate a free source code");
}

/** Renames, archives or restores a source. The code never changes: it is already printed. */
export async function updateSource(db: Database, id: number, input: UpdateSourceRequest): Promise<SourceRow> {
  const [existing] = await db.select().from(sources).where(eq(sources.id, id));
  if (!existing) throw new ApiError("not_found", "There is no such source.");
  if (input.archived === true && existing.code === defaultSourceCode) {
    throw new ApiError(
      "conflict",
      "The plain bot link's source cannot be archived: every guest without a code counts there.",
    );
  }
  const changes: Partial<typeof sources.$inferInsert> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.archived !== undefined) {
    // Archiving again keeps the original date.
    changes.archivedAt = input.archived ? (existing.archivedAt ?? new Date()) : null;
  }
  if (Object.keys(changes).length === 0) return existing;
  const [updated] = await db.update(sources).set(changes).where(eq(sources.id, id)).returning();
  if (!updated) throw new ApiError("not_found", "There is no such source.");
  return updated;
}

/**
 * 8 characters of [A-Za-z0-9_-]: short enough for a small QR code, 48 random bits so nobody guesses
 * another source's code. It starts with a letter or digit: a leading "-" reads as a formula in a spreadsheet.
 */
function generateSourceCode(): string {
  for (;;) {
    const code = randomBytes(6).toString("base64url");
    if (/^[A-Za-z0-9]/.test(code)) return code;
  }
}
