import { guestImportMaxBytes } from "@guestcard/shared";
import { Hono } from "hono";
import type { Database } from "../db/client";
import { ApiError } from "../errors";
import type { Logger } from "../logger";
import type { GuestVariables } from "../telegram/init-data-auth";
import { importGuests } from "./guest-import";

/** What a spreadsheet or a browser may call a CSV file. */
const csvMediaTypes = new Set(["text/csv", "application/csv", "text/plain"]);

/** `POST /api/manager/accounts/import` (CONTRACT.md). Manager access is checked where it is mounted. */
export function guestImportRoutes(deps: { db: Database; logger: Logger }) {
  return new Hono<{ Variables: GuestVariables }>().post("/import", async (c) => {
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > guestImportMaxBytes) throw tooLarge();
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.byteLength > guestImportMaxBytes) throw tooLarge();
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (!csvMediaTypes.has(mediaType)) {
      throw new ApiError(
        "unsupported_media_type",
        "Send the guest base as CSV with `Content-Type: text/csv`.",
      );
    }
    const startedAt = performance.now();
    const result = await importGuests(deps.db, body);
    // Counts only: the file is personal data and stays out of the log.
    deps.logger.info(
      {
        created: result.created,
        skipped: result.skipped,
        errors: result.errors.length,
        bytes: body.byteLength,
        ms: Math.round(performance.now() - startedAt),
        by: c.get("launch").user.id,
      },
      "guest base imported",
    );
    return c.json(result, 200);
  });
}

function tooLarge() {
  return new ApiError("payload_too_large", "The file is larger than 20 MB; split it and import the parts.");
}
