import { spawn } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { DatabaseSetting } from "../config";
import { connectPglite } from "../db/client";
import { DataDirInUseError, lockDataDir } from "../db/data-dir-lock";
import { type ControlFile, controlFileName } from "./control-server";
import { OperatorError, splitPassword } from "./operator-error";

/**
 * `pnpm backup`: a consistent snapshot of the database into `outDir`, in a file named with the time
 * (UTC). The embedded database: its data directory as a gzipped tarball (`.tar.gz`), asked of the
 * running server over its control channel (api/src/ops/control-server.ts), or taken directly when no
 * server runs. PostgreSQL: `pg_dump --format=custom` (`.dump`). Written to a `.partial` file first and
 * renamed when complete, so a file with the final name is always whole.
 * docs/decisions/023-operator-kit.md.
 */
export async function backup(setting: DatabaseSetting, outDir: string, now = new Date()): Promise<string> {
  const time = now
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-");
  const file = join(
    outDir,
    setting.kind === "embedded" ? `guestcard-embedded-${time}.tar.gz` : `guestcard-postgres-${time}.dump`,
  );
  if (existsSync(file)) throw new OperatorError(`${file} exists already`);
  const partial = `${file}.partial`;
  try {
    if (setting.kind === "embedded") writeFileSync(partial, await dumpEmbedded(setting.dataDir));
    else await pgDump(setting.url, partial);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  return file;
}

async function dumpEmbedded(dataDir: string): Promise<Buffer> {
  if (!existsSync(join(dataDir, "pglite", "PG_VERSION"))) {
    throw new OperatorError(`There is no embedded database in DATA_DIR ${dataDir}`);
  }
  let lock: ReturnType<typeof lockDataDir>;
  try {
    lock = lockDataDir(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    return askRunningServer(dataDir);
  }
  // No server runs: the directory is ours while we read it.
  try {
    const connection = connectPglite(await PGlite.create(join(dataDir, "pglite")));
    try {
      const dump = await connection.dumpDataDir?.();
      if (!dump) throw new Error("The embedded connection has no dump");
      return Buffer.from(await dump.arrayBuffer());
    } finally {
      await connection.close();
    }
  } finally {
    lock.release();
  }
}

async function askRunningServer(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, controlFileName);
  if (!existsSync(path)) {
    throw new OperatorError(
      `DATA_DIR ${dataDir} is in use, and the process holding it offers no backup (it is starting, or older than this version): try again in a moment, or stop it and run the backup then`,
    );
  }
  const control = JSON.parse(readFileSync(path, "utf8")) as ControlFile;
  const response = await fetch(`http://127.0.0.1:${control.port}/backup`, {
    method: "POST",
    headers: { authorization: `Bearer ${control.token}` },
  });
  if (!response.ok) throw new OperatorError(`The running server answered ${response.status} to the backup`);
  return Buffer.from(await response.arrayBuffer());
}

async function pgDump(url: string, file: string): Promise<void> {
  const { url: withoutPassword, password } = splitPassword(url);
  await run("pg_dump", ["--format=custom", `--file=${file}`, `--dbname=${withoutPassword}`], password);
}

/** Runs a PostgreSQL client program; the password goes in its environment, never on its command line. */
export async function run(program: string, args: string[], password: string | undefined): Promise<void> {
  const child = spawn(program, args, {
    env: { ...process.env, ...(password === undefined ? {} : { PGPASSWORD: password }) },
    stdio: ["ignore", "inherit", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT"
          ? new OperatorError(`${program} is not installed (Debian: apt-get install postgresql-client)`)
          : error,
      ),
    );
    child.once("close", resolve);
  });
  if (code !== 0) throw new OperatorError(`${program} failed (exit ${code}):\n${stderr.trim()}`);
}
