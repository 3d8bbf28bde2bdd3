import { randomBytes, timingSafeEqual } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { DatabaseConnection } from "../db/client";
import type { Logger } from "../logger";

/**
 * The running server owns its DATA_DIR (docs/decisions/013-one-process-per-data-dir.md), so
 * `pnpm backup` cannot open the embedded database beside it: it asks the server instead, over HTTP on
 * the loopback interface, with a token that only someone who can read DATA_DIR has. The port and the
 * token are in `DATA_DIR/control.json` (mode 0600), written once the control server listens and
 * removed at stop. The one request: `POST /backup` → the data directory as a gzipped tarball.
 * docs/decisions/023-operator-kit.md.
 */
export interface ControlFile {
  port: number;
  token: string;
  pid: number;
}

export const controlFileName = "control.json";

export interface ControlServer {
  close(): Promise<void>;
}

export async function startControlServer(options: {
  dataDir: string;
  database: DatabaseConnection;
  logger: Logger;
}): Promise<ControlServer> {
  const { database, logger } = options;
  const dumpDataDir = database.dumpDataDir?.bind(database);
  if (!dumpDataDir) throw new Error("The control server is for the embedded database");
  const token = randomBytes(32).toString("hex");
  const expected = Buffer.from(`Bearer ${token}`);
  const server = createServer((request, response) => {
    const given = Buffer.from(request.headers.authorization ?? "");
    const authorised = given.length === expected.length && timingSafeEqual(given, expected);
    if (!authorised) {
      response.writeHead(401).end();
      return;
    }
    if (request.method !== "POST" || request.url !== "/backup") {
      response.writeHead(404).end();
      return;
    }
    const started = Date.now();
    dumpDataDir()
      .then(async (dump) => {
        const bytes = Buffer.from(await dump.arrayBuffer());
        response.writeHead(200, { "content-type": "application/gzip", "content-length": bytes.length });
        response.end(bytes);
        logger.info({ bytes: bytes.length, ms: Date.now() - started }, "backup: data directory dumped");
      })
      .catch((error: unknown) => {
        logger.error({ error }, "backup: dumping the data directory failed");
        response.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const file = join(options.dataDir, controlFileName);
  // A file left by a server that was killed: ours now (we hold the DATA_DIR lock), and created anew so
  // that its mode is 0600 whatever the old one's was.
  rmSync(file, { force: true });
  const contents: ControlFile = { port: (server.address() as AddressInfo).port, token, pid: process.pid };
  writeFileSync(file, `${JSON.stringify(contents)}\n`, { mode: 0o600 });
  return {
    close: async () => {
      rmSync(file, { force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
