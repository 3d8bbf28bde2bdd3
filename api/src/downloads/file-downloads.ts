import { createHash, randomBytes } from "node:crypto";
import type { DownloadLink, ManagerDownloadMediaType } from "@guestcard/shared";
import { and, eq, gt, lte } from "drizzle-orm";
import type { Database } from "../db/client";
import { downloadFiles } from "../db/schema";

/*
 * Files a manager's screen made (a poster, a CSV), kept for a few minutes behind a link that works
 * without initData, for Telegram's `downloadFile` (docs/decisions/025-manager-downloads.md). The link's
 * token is 32 random bytes; only its SHA-256 is stored, so the table alone opens nothing. The bytes are
 * in the database, not in this process, so any server process answers the link.
 */

export const fileDownloadTtlMs = 5 * 60_000;

/** 32 random bytes in base64url: 43 characters. Anything else is not one of ours, and no query is made. */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

const extensions: Record<ManagerDownloadMediaType, string> = {
  "image/svg+xml": "svg",
  "image/png": "png",
  "text/csv": "csv",
};

function tokenSha256(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * The name a file is saved under, safe in a `Content-Disposition` header and on any phone's file
 * system: ASCII letters, digits, `.`, `_` and `-` only (our names are made of nothing else), no
 * leading dot, at most 100 characters, and the extension of what the file is — an SVG is never saved
 * as `.html`.
 */
export function safeFileName(given: string, mediaType: ManagerDownloadMediaType): string {
  const extension = extensions[mediaType];
  const base = given
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(new RegExp(`\\.${extension}$`, "i"), "")
    .replace(/^[.-]+/, "")
    .slice(0, 100)
    .replace(/[.-]+$/, "");
  return `${base || "guestcard"}.${extension}`;
}

export interface FileToKeep {
  bytes: Uint8Array;
  mediaType: ManagerDownloadMediaType;
  /** As the client asked; tidied by `safeFileName`. */
  fileName: string;
  /** The manager's Telegram user id. */
  createdBy: number;
}

/**
 * Keeps the file for `fileDownloadTtlMs` and answers its link. Files whose time is up are deleted
 * first: the table holds only the last few minutes' files.
 */
export async function keepFileForDownload(db: Database, file: FileToKeep, now: Date): Promise<DownloadLink> {
  const token = randomBytes(32).toString("base64url");
  const fileName = safeFileName(file.fileName, file.mediaType);
  const expiresAt = new Date(now.getTime() + fileDownloadTtlMs);
  await db.delete(downloadFiles).where(lte(downloadFiles.expiresAt, now));
  await db.insert(downloadFiles).values({
    tokenSha256: tokenSha256(token),
    fileName,
    mediaType: file.mediaType,
    bytes: file.bytes,
    createdBy: file.createdBy,
    expiresAt,
  });
  return { url: `/downloads/files/${token}`, fileName, expiresAt: expiresAt.toISOString() };
}

export interface KeptFile {
  fileName: string;
  mediaType: ManagerDownloadMediaType;
  bytes: Uint8Array;
}

/** The file behind a token, or null for a token that is malformed, unknown or expired. */
export async function keptFile(db: Database, token: string, now: Date): Promise<KeptFile | null> {
  if (!tokenPattern.test(token)) return null;
  const [row] = await db
    .select({
      fileName: downloadFiles.fileName,
      mediaType: downloadFiles.mediaType,
      bytes: downloadFiles.bytes,
    })
    .from(downloadFiles)
    .where(and(eq(downloadFiles.tokenSha256, tokenSha256(token)), gt(downloadFiles.expiresAt, now)));
  return row ? { ...row, mediaType: row.mediaType as ManagerDownloadMediaType } : null;
}
