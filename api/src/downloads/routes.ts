import {
  type DownloadLink,
  downloadLinkSchema,
  type ManagerDownloadMediaType,
  managerDownloadQuerySchema,
} from "@guestcard/shared";
import { Hono } from "hono";
import type { Database } from "../db/client";
import { fileBodyReader, managerDownloadBodyRules } from "../http/request-body";
import type { GuestEnv, RouteGroup } from "../http/route-groups";
import { jsonResponse, routeParameters } from "../http/route-schema";
import { keepFileForDownload, keptFile } from "./file-downloads";

export interface FileDownloadDeps {
  db: Database;
  /** The clock links expire by (a test moves it; the server uses the system's). */
  now: () => Date;
}

const binary = { schema: { type: "string", format: "binary" } } as const;
/** The file itself as the body, in one of managerDownloadMediaTypes. */
const fileBody = {
  required: true,
  content: { "image/png": binary, "image/svg+xml": binary, "text/csv": binary },
} as const;

/**
 * `POST /api/manager/downloads`, in the manager group (managers/routes.ts): the file a manager's
 * screen made, kept for a few minutes behind a link Telegram's `downloadFile` can fetch without
 * initData (docs/decisions/025-manager-downloads.md).
 */
export function managerDownloadRoutes(group: RouteGroup<GuestEnv>, deps: FileDownloadDeps) {
  const keep = group.route({
    method: "post",
    path: "/",
    summary: "A short-lived link to a file the manager's screen made, for Telegram's downloadFile",
    description:
      "The body is the file itself — a poster as `image/svg+xml` or `image/png`, or a `text/csv` — up to 5 MB; `fileName` is the name to save it under, tidied to ASCII letters, digits, `.`, `_` and `-` with the extension of its type. `GET <url>` answers the file as an attachment, without initData, until `expiresAt` (a few minutes).",
    middleware: [fileBodyReader(managerDownloadBodyRules)],
    request: { query: routeParameters(managerDownloadQuerySchema), body: fileBody },
    responses: { 201: jsonResponse("The link", downloadLinkSchema) },
    errors: ["payload_too_large", "unsupported_media_type"],
  });
  return group.routes().openapi(keep, async (c) => {
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    const body: DownloadLink = await keepFileForDownload(
      deps.db,
      {
        bytes: new Uint8Array(await c.req.arrayBuffer()),
        // fileBodyReader let only these through.
        mediaType: mediaType as ManagerDownloadMediaType,
        fileName: c.req.valid("query").fileName,
        createdBy: c.get("launch").user.id,
      },
      deps.now(),
    );
    c.header("cache-control", "no-store");
    return c.json(body, 201);
  });
}

/**
 * `GET /downloads/files/<token>`: the kept file as an attachment, or a plain 404 for any token that is
 * not a live one of ours (as `/downloads/my-data/<token>` answers). The file was made in a browser, so
 * it is served as a sandbox: an SVG opened on our origin runs no script and loads nothing.
 */
export function fileDownloadRoutes(deps: FileDownloadDeps) {
  return new Hono().get("/files/:token", async (c) => {
    c.header("cache-control", "no-store");
    c.header("referrer-policy", "no-referrer");
    c.header("x-content-type-options", "nosniff");
    c.header("content-security-policy", "sandbox; default-src 'none'");
    const file = await keptFile(deps.db, c.req.param("token"), deps.now());
    if (!file) {
      return c.text(
        "Ссылка устарела: скачайте файл в Mini App снова.\n" +
          "This link has expired: download the file in the Mini App again.\n",
        404,
      );
    }
    // A copy typed as Response wants it (the drivers hand back a Buffer or a Uint8Array view).
    return c.body(new Uint8Array(file.bytes), 200, {
      "content-type": file.mediaType === "text/csv" ? "text/csv; charset=utf-8" : file.mediaType,
      "content-disposition": `attachment; filename="${file.fileName}"`,
    });
  });
}
