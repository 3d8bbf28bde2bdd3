// Prints the gzip size of the JavaScript a guest downloads to reach the home screen, and fails
// over budget (issue 4: ≤ 100 kB). Run after `vite build`; it reads the build's manifest.
//
// Counted: the entry chunk, every chunk it imports statically, every chunk index.html preloads
// (<link rel="modulepreload">: the app itself, see scripts/preload-app.ts) — the browser fetches all
// of those before anything runs — and the one text catalogue the guest's language needs (loaded at
// start, lazily only so that nobody downloads both). Not counted: lazy screens (registration, my data,
// card, review) and staff pages, which load when opened.
//
// Sizes are those of the compressed copies the server sends (scripts/precompress.ts): gzip for the
// budget, brotli alongside; a file without a copy is gzipped here at zlib's default level.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const budgetBytes = 100 * 1000;
const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");

let manifest;
try {
  manifest = JSON.parse(readFileSync(join(dist, ".vite", "manifest.json"), "utf8"));
} catch {
  console.error("size: no build manifest in web/dist; run `pnpm --filter @guestcard/web build` first");
  process.exit(2);
}

const gzipBytes = (file) => {
  const copy = join(dist, `${file}.gz`);
  return existsSync(copy) ? readFileSync(copy).length : gzipSync(readFileSync(join(dist, file))).length;
};
const brotliBytes = (file) => {
  const copy = join(dist, `${file}.br`);
  return existsSync(copy) ? readFileSync(copy).length : gzipBytes(file);
};

/** The entry and its static imports, transitively, each chunk once. */
function staticClosure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const imported of manifest[key]?.imports ?? []) staticClosure(imported, seen);
  return seen;
}

const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
if (entries.length !== 1) {
  console.error(`size: expected one entry chunk, found ${entries.length}`);
  process.exit(2);
}
const [entryKey] = entries[0];
const keys = staticClosure(entryKey);
// What index.html preloads, found in the manifest by file name, with its own static imports.
const indexHtml = readFileSync(join(dist, "index.html"), "utf8");
const keyOfFile = new Map(Object.entries(manifest).map(([key, chunk]) => [chunk.file, key]));
for (const [, href] of indexHtml.matchAll(/<link rel="modulepreload"[^>]*href="\/([^"]+)"/g)) {
  const key = keyOfFile.get(href);
  if (!key) {
    console.error(`size: index.html preloads ${href}, which is not in the build manifest`);
    process.exit(2);
  }
  staticClosure(key, keys);
}
const counted = [...keys].map((key) => ({ name: key, file: manifest[key].file }));

const catalogues = Object.entries(manifest).filter(([key]) => /(^|\/)src\/i18n\/[a-z]{2}\.ts$/.test(key));
if (catalogues.length === 0) {
  console.error("size: no text catalogue chunks found (web/src/i18n/<language>.ts)");
  process.exit(2);
}
const largestCatalogue = catalogues
  .map(([key, chunk]) => ({ name: `${key} (largest catalogue)`, file: chunk.file }))
  .sort((a, b) => gzipBytes(b.file) - gzipBytes(a.file))[0];
counted.push(largestCatalogue);

let total = 0;
let totalBrotli = 0;
console.log("    gzip  brotli");
for (const chunk of counted) {
  const bytes = gzipBytes(chunk.file);
  const brotli = brotliBytes(chunk.file);
  total += bytes;
  totalBrotli += brotli;
  console.log(
    `  ${(bytes / 1000).toFixed(1).padStart(6)} ${(brotli / 1000).toFixed(1).padStart(6)} kB  ${chunk.file}  ← ${chunk.name}`,
  );
}
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const verdict = total <= budgetBytes ? "within" : "OVER";
console.log(
  `guest JavaScript to reach home: ${kB(total)} gzip (budget ${kB(budgetBytes)}, ${verdict}); ${kB(totalBrotli)} brotli`,
);
if (total > budgetBytes) process.exit(1);
