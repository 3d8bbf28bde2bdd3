// A Vite plugin of ours: after the build is written, every compressible file under assets/ of 1 kB or
// more gets a brotli (.br) and a gzip (.gz) copy beside it, at the strongest settings — compressed
// once here, never per request. The server (api/src/web-app/serve-web-app.ts) sends whichever the
// client accepts. index.html is left alone: the server keeps it in memory and it stays small.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { Plugin } from "vite";

/** Below this, the bytes saved are fewer than a compressed answer's extra header. */
export const precompressMinimumBytes = 1024;
/**
 * Brotli's best (quality 11) takes about a second per 300 kB; the 950 kB WebAssembly of the cashier's
 * camera scanner would take 8 s for 12 % fewer bytes than quality 9, on a file a till downloads once
 * a year. Large files get 9, so a build stays quick.
 */
const bestQualityUpToBytes = 512 * 1024;
/** Text and WebAssembly compress well; images and fonts here are already compressed. */
const compressible = /\.(?:js|mjs|css|svg|json|wasm|txt)$/;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

async function compressFile(file: string): Promise<void> {
  const plain = await readFile(file);
  if (plain.length < precompressMinimumBytes) return;
  const [br, gz] = await Promise.all([
    brotli(plain, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]:
          plain.length <= bestQualityUpToBytes ? constants.BROTLI_MAX_QUALITY : 9,
        [constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
        [constants.BROTLI_PARAM_MODE]: file.endsWith(".wasm")
          ? constants.BROTLI_MODE_GENERIC
          : constants.BROTLI_MODE_TEXT,
      },
    }),
    gzipAsync(plain, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  // A copy that saves nothing would only cost the client a decompression.
  await Promise.all([
    br.length < plain.length ? writeFile(`${file}.br`, br) : undefined,
    gz.length < plain.length ? writeFile(`${file}.gz`, gz) : undefined,
  ]);
}

export function precompress(): Plugin {
  return {
    name: "guestcard:precompress",
    apply: "build",
    async writeBundle(options, bundle) {
      const outDir = options.dir;
      if (!outDir) return;
      const files = Object.keys(bundle).filter(
        (fileName) => fileName.startsWith("assets/") && compressible.test(fileName),
      );
      await Promise.all(files.map((fileName) => compressFile(join(outDir, fileName))));
    },
  };
}
