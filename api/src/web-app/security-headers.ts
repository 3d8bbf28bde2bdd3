import type { MiddlewareHandler } from "hono";

/**
 * What each part of the web build may do in the browser (issue 16 item 7). Three kinds of response:
 * - `mini-app`: the guest's and the manager's app at `/`, opened by Telegram: framed by Telegram's
 *   web clients (https://web.telegram.org), a plain web view in the mobile and desktop clients;
 * - `cashier`: the till's page at `/cashier`, which keeps the till's POS key: framed by nobody;
 * - `asset`: the hashed files under `/assets` (scripts, styles, WebAssembly). A policy on a script or
 *   a style does nothing; on a file opened on its own it makes that page inert.
 */
export type WebPage = "mini-app" | "cashier" | "asset";

/** Directives both pages share: our own origin only, no plugins, no <base> games, forms post home. */
const ownOriginOnly = [
  "default-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
];

const contentSecurityPolicy: Record<WebPage, string> = {
  "mini-app": [
    ...ownOriginOnly,
    "script-src 'self'",
    // Inline styles: inside Telegram's web clients the SDK puts the host's styles in a <style>
    // element of its own (`set_custom_style`), which no hash can name ahead of time. Scripts stay strict.
    "style-src 'self' 'unsafe-inline'",
    // data: and blob: images: a manager's printable QR is drawn from an SVG blob into a PNG.
    "img-src 'self' data: blob:",
    "frame-ancestors https://web.telegram.org",
  ].join("; "),
  cashier: [
    ...ownOriginOnly,
    // 'wasm-unsafe-eval': the camera scanner compiles ZXing's WebAssembly (served from /assets) where
    // the browser has no BarcodeDetector of its own. It allows compiling WebAssembly, not eval().
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "frame-ancestors 'none'",
  ].join("; "),
  asset: ["default-src 'none'", "frame-ancestors 'none'"].join("; "),
};

/** The Mini App and the cashier page are one build; the page decides by path, as web/src/main.tsx does. */
export function pageOfPath(path: string): Exclude<WebPage, "asset"> {
  return path.startsWith("/cashier") ? "cashier" : "mini-app";
}

/** Sets the page's headers on whatever the handlers after it answer (404s included). */
export function securityHeaders(page: WebPage | ((path: string) => WebPage)): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const kind = typeof page === "function" ? page(c.req.path) : page;
    c.header("content-security-policy", contentSecurityPolicy[kind]);
    c.header("x-content-type-options", "nosniff");
    // The launch parameters and the till's key travel in the URL's fragment, which is never sent;
    // still, no page of ours needs to tell anyone where a request came from.
    c.header("referrer-policy", "no-referrer");
    // Browsers that predate CSP's frame-ancestors. Not on the Mini App: X-Frame-Options cannot name
    // another origin, and Telegram's web clients must be able to frame it.
    if (kind !== "mini-app") c.header("x-frame-options", "DENY");
  };
}
