import * as z from "zod/mini";
import { fieldRule } from "./field-errors";

/*
 * Files handed to Telegram's `downloadFile` (docs/decisions/025-manager-downloads.md). Telegram's
 * mobile apps ignore `<a download>`; `downloadFile` fetches a URL itself, without the Mini App's
 * initData, so the server answers a short-lived link that works without it.
 */

/**
 * A short-lived link to a file: `url` is a path on this server that answers the file without initData
 * until `expiresAt` (a few minutes); `fileName` is the name to save it under.
 */
export const downloadLinkSchema = z.object({
  url: z.string(),
  fileName: z.string(),
  expiresAt: z.string(),
});
export type DownloadLink = z.infer<typeof downloadLinkSchema>;

/** What a manager's screens make and save: the poster (SVG, PNG) and CSV files. */
export const managerDownloadMediaTypes = ["image/svg+xml", "image/png", "text/csv"] as const;
export type ManagerDownloadMediaType = (typeof managerDownloadMediaTypes)[number];

/** A poster PNG is about 30 kB and a funnel CSV a few; 5 MB leaves room and keeps the table small. */
export const managerDownloadMaxBytes = 5 * 1024 * 1024;

export const managerDownloadFileNameMaxLength = 200;

/** `POST /api/manager/downloads?fileName=…`: the name to save the body under (the server tidies it). */
export const managerDownloadQuerySchema = z.object({
  fileName: z
    .string(fieldRule("required"))
    .check(
      z.minLength(1, fieldRule("required")),
      z.maxLength(managerDownloadFileNameMaxLength, fieldRule("too_long")),
    ),
});
