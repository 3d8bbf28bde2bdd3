import { guestImportMaxBytes, managerDownloadMaxBytes, managerDownloadMediaTypes } from "@guestcard/shared";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../errors";

/**
 * The one reader of request bodies. Every route that takes a body reads it here, after its group's
 * guard and its rate limit, so every client sees the order of checks in docs/api.md:
 * 401 → 403 → 429 → 413 → 400 (or 415) → 422.
 */
interface BodyRules {
  maxBytes: number;
  /** Media types accepted (lower case, without parameters). */
  mediaTypes: ReadonlySet<string>;
  /** The answer to any other media type. */
  wrongMediaType: () => ApiError;
  tooLarge: () => ApiError;
}

/** docs/api.md: JSON bodies over 64 KiB are refused. */
export const jsonBodyLimitBytes = 64 * 1024;

export const jsonBodyRules: BodyRules = {
  maxBytes: jsonBodyLimitBytes,
  mediaTypes: new Set(["application/json"]),
  wrongMediaType: () =>
    new ApiError("bad_request", "Send the body as JSON with `Content-Type: application/json`."),
  tooLarge: () => new ApiError("payload_too_large", "The body is larger than 64 KiB."),
};

/**
 * The guest-base import: what a spreadsheet or a browser may call a CSV file (Windows calls a `.csv`
 * `application/vnd.ms-excel` where Excel is installed), or raw bytes, up to 20 MB. The `charset`
 * parameter is not read: the import detects the encoding from the bytes.
 */
export const csvBodyRules: BodyRules = {
  maxBytes: guestImportMaxBytes,
  mediaTypes: new Set([
    "text/csv",
    "application/csv",
    "text/plain",
    "text/tab-separated-values",
    "application/vnd.ms-excel",
    "application/octet-stream",
  ]),
  wrongMediaType: () =>
    new ApiError("unsupported_media_type", "Send the guest base as CSV with `Content-Type: text/csv`."),
  tooLarge: () =>
    new ApiError("payload_too_large", "The file is larger than 20 MB; split it and import the parts."),
};

/**
 * A file a manager's screen made, to be handed to Telegram's `downloadFile` (downloads/routes.ts):
 * the poster as SVG or PNG, or a CSV, up to 5 MB, by its exact media type.
 */
export const managerDownloadBodyRules: BodyRules = {
  maxBytes: managerDownloadMaxBytes,
  mediaTypes: new Set(managerDownloadMediaTypes),
  wrongMediaType: () =>
    new ApiError(
      "unsupported_media_type",
      "Send an SVG (`image/svg+xml`), a PNG (`image/png`) or a CSV (`text/csv`) file.",
    ),
  tooLarge: () => new ApiError("payload_too_large", "The file is larger than 5 MB."),
};

/**
 * The raw body within the rules: 413 past the size limit (the declared length is checked before a
 * byte is read), then 400/415 for a media type the route does not take. Size comes first, so a huge
 * body of the wrong type is still a 413.
 */
export async function readBody(request: Request, rules: BodyRules): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > rules.maxBytes) throw rules.tooLarge();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > rules.maxBytes) throw rules.tooLarge();
  const mediaType = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (!rules.mediaTypes.has(mediaType)) throw rules.wrongMediaType();
  return bytes;
}

/** A JSON body: 413 too large, 400 not JSON (by media type or by syntax). Its text and its value. */
export async function readJsonBody(request: Request): Promise<{ text: string; value: unknown }> {
  const text = new TextDecoder().decode(await readBody(request, jsonBodyRules));
  try {
    return { text, value: JSON.parse(text) };
  } catch {
    throw new ApiError("bad_request", "The body is not valid JSON.");
  }
}

/**
 * Route middleware for every route with a JSON body (route-groups.ts adds it): reads the body within
 * the limits, then hands the bytes it read on as the request's body, as Hono's own bodyLimit does,
 * for the route's validator to parse and answer 422 with `fields`. The validator parses the text
 * again; at 64 KiB at most that is cheaper than a second way of passing bodies around.
 */
export const jsonBodyReader: MiddlewareHandler = async (c, next) => {
  const { text } = await readJsonBody(c.req.raw);
  c.req.raw = new Request(c.req.raw, { body: text });
  await next();
};

/**
 * Route middleware for a route whose body is a file and which also validates a query: reads the body
 * within `rules` before the validators run (413 and 415 before 422, as docs/api.md orders them), and
 * hands the bytes on as the request's body, as `jsonBodyReader` does.
 */
export function fileBodyReader(rules: BodyRules): MiddlewareHandler {
  return async (c, next) => {
    const bytes = await readBody(c.req.raw, rules);
    c.req.raw = new Request(c.req.raw, { body: bytes });
    await next();
  };
}

/** The largest body anything accepts (the CSV import, with room for its multipart or encoding overhead). */
const hardBodyLimitBytes = 21 * 1024 * 1024;

/**
 * A memory guard behind every group's guard (route-groups.ts): whatever a route does with its body, a
 * stream past 21 MB is cut off. Behind the guard, not in front of it, so that a huge body from someone
 * without a key is a 401 like any other (docs/api.md, the order of checks).
 */
export const hardBodyLimit: MiddlewareHandler = bodyLimit({
  maxSize: hardBodyLimitBytes,
  onError: () => {
    throw new ApiError("payload_too_large", "The body is too large.");
  },
});
