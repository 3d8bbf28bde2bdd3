import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import type { Hono } from "hono";
import { etag } from "hono/etag";
import { pageOfPath, securityHeaders } from "./security-headers";

/**
 * The Mini App build (web/dist):
 * - `/assets/*`: files named by their content's hash, cached for a year. Every compressible one over
 *   1 kB sits beside a `.br` and a `.gz` made at build time (web/scripts/precompress.ts); a client
 *   that accepts either gets it with its own Content-Encoding and Content-Length, one that accepts
 *   neither gets the plain file. Nothing is compressed per request.
 * - every other GET: index.html, the single-page app's one document (small: a few links and one
 *   script tag), kept in memory, revalidated on every open (no-cache, with an ETag).
 */
export function serveWebApp(app: Hono, webRoot: string) {
  const indexFile = join(webRoot, "index.html");
  const indexHtml = existsSync(indexFile) ? readFileSync(indexFile, "utf8") : undefined;
  const indexEtag =
    indexHtml && `"${createHash("sha256").update(indexHtml).digest("base64url").slice(0, 27)}"`;

  app.use(
    "/assets/*",
    securityHeaders("asset"),
    async (c, next) => {
      await next();
      if (!c.res.ok) return;
      c.header("cache-control", "public, max-age=31536000, immutable");
      // serveStatic names Accept-Encoding only when it picked a compressed file; the plain answer
      // depends on that header just as much, and a shared cache must know it.
      c.header("vary", "Accept-Encoding");
    },
    serveStatic({ root: webRoot, precompressed: true }),
  );
  // A chunk that is not there (a tab still running an older build asks for its old hashes) is a 404,
  // never index.html: a script answered with a web page fails far more confusingly.
  app.get("/assets/*", (c) => c.text("Not found", 404));

  app.get("*", securityHeaders(pageOfPath), etag(), (c) => {
    if (!indexHtml || !indexEtag) return c.text("The Mini App is not built yet: run `pnpm build`.", 503);
    c.header("cache-control", "no-cache");
    c.header("etag", indexEtag);
    return c.html(indexHtml);
  });
}
