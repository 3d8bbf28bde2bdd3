import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../../test/test-app";

// Against the real build that `pnpm start` serves (`pnpm test` builds it first).
const webRoot = fileURLToPath(new URL("../../../web/dist", import.meta.url));
const assetsDir = join(webRoot, "assets");

/** Every file the build made under /assets (not the compressed copies), with its size. */
function builtAssets() {
  return readdirSync(assetsDir)
    .filter((name) => !/\.(br|gz)$/.test(name))
    .map((name) => ({ name, path: `/assets/${name}`, bytes: readFileSync(join(assetsDir, name)) }));
}

describe("the Mini App build, served (web/dist)", () => {
  let context: TestContext;

  beforeAll(async () => {
    if (!existsSync(join(webRoot, "index.html")) || !existsSync(assetsDir)) {
      throw new Error("web/dist is missing: run `pnpm --filter @guestcard/web build` first");
    }
    context = await createTestContext({}, { webRoot });
  });
  afterAll(() => context.close());

  const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
    context.app.request(path, { method, headers });

  it("has assets over 1 kB to check: the entry script, its styles, the scanner's WebAssembly", () => {
    const large = builtAssets().filter((asset) => asset.bytes.length > 1024);
    expect(large.map((asset) => asset.name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^index-[\w-]+\.js$/),
        expect.stringMatching(/^index-[\w-]+\.css$/),
        expect.stringMatching(/^zxing_reader-[\w-]+\.wasm$/),
      ]),
    );
  });

  it.each([
    ["br", "gzip, deflate, br, zstd", brotliDecompressSync],
    ["br", "br", brotliDecompressSync],
    ["gzip", "gzip, deflate", gunzipSync],
    ["gzip", "br;q=0, gzip", gunzipSync],
  ] as const)(
    "sends every asset over 1 kB as %s, made at build time, to a client that accepts %j",
    async (encoding, acceptEncoding, decompress) => {
      for (const asset of builtAssets().filter((each) => each.bytes.length > 1024)) {
        const response = await get(asset.path, { "accept-encoding": acceptEncoding });
        expect(response.status, asset.path).toBe(200);
        expect(response.headers.get("content-encoding"), asset.path).toBe(encoding);
        expect(response.headers.get("vary"), asset.path).toMatch(/accept-encoding/i);
        expect(response.headers.get("cache-control"), asset.path).toBe("public, max-age=31536000, immutable");
        const wire = Buffer.from(await response.arrayBuffer());
        expect(Number(response.headers.get("content-length")), asset.path).toBe(wire.length);
        expect(wire.length, `${asset.path} is smaller compressed`).toBeLessThan(asset.bytes.length);
        expect(decompress(wire).equals(asset.bytes), `${asset.path} decompresses to the built file`).toBe(
          true,
        );
      }
    },
  );

  it.each([
    ["no Accept-Encoding", {}],
    ["identity only", { "accept-encoding": "identity" }],
    ["an encoding we do not make", { "accept-encoding": "deflate" }],
    ["br and gzip refused", { "accept-encoding": "br;q=0, gzip;q=0" }],
  ])("sends every asset plain to a client with %s", async (_case, headers) => {
    for (const asset of builtAssets()) {
      const response = await get(asset.path, headers);
      expect(response.status, asset.path).toBe(200);
      expect(response.headers.get("content-encoding"), asset.path).toBeNull();
      expect(response.headers.get("vary"), asset.path).toMatch(/accept-encoding/i);
      expect(response.headers.get("cache-control"), asset.path).toBe("public, max-age=31536000, immutable");
      const body = Buffer.from(await response.arrayBuffer());
      expect(Number(response.headers.get("content-length")), asset.path).toBe(asset.bytes.length);
      expect(body.equals(asset.bytes), asset.path).toBe(true);
    }
  });

  it("answers HEAD with the length of the variant a GET would send, and no body", async () => {
    const entry = builtAssets().find((asset) => /^index-[\w-]+\.js$/.test(asset.name))!;
    const compressed = await get(entry.path, { "accept-encoding": "br" }, "HEAD");
    expect(compressed.headers.get("content-encoding")).toBe("br");
    expect(Number(compressed.headers.get("content-length"))).toBe(
      statSync(join(assetsDir, `${entry.name}.br`)).size,
    );
    expect((await compressed.arrayBuffer()).byteLength).toBe(0);
    const plain = await get(entry.path, {}, "HEAD");
    expect(Number(plain.headers.get("content-length"))).toBe(entry.bytes.length);
  });

  it("answers a chunk that is not there with 404, not with the app's page", async () => {
    const response = await get("/assets/index-gone1234.js", { "accept-encoding": "br, gzip" });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).not.toMatch(/html/);
    expect(response.headers.get("cache-control")).toBeNull();
  });

  it("serves index.html small and unchanged, revalidated on every open with an ETag", async () => {
    const indexHtml = readFileSync(join(webRoot, "index.html"), "utf8");
    expect(Buffer.byteLength(indexHtml), "index.html stays small").toBeLessThan(2048);
    const first = await get("/", { "accept-encoding": "br, gzip" });
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-cache");
    expect(await first.text()).toBe(indexHtml);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);

    const again = await get("/", { "if-none-match": etag ?? "" });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
    // Client-side routes are the same document.
    expect((await get("/cashier", { "if-none-match": etag ?? "" })).status).toBe(304);
  });

  it("does not serve the build's own files outside /assets (the manifest, index.html by name)", async () => {
    const manifest = await get("/.vite/manifest.json");
    expect(await manifest.text()).not.toContain('"isEntry"');
    const byName = await get("/index.html");
    expect(byName.headers.get("cache-control")).toBe("no-cache");
  });
});
