import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../config";
import { backup } from "./backup";
import { migrateToPostgres } from "./migrate-to-postgres";
import { OperatorError, printableUrl } from "./operator-error";
import { restore } from "./restore";

/**
 * The operator's commands, on the configuration the server runs with (the same environment: DATA_DIR
 * or DATABASE_URL). Run through the root package's scripts (scripts/start.mjs), as built code:
 *   pnpm backup [--out DIR]
 *   pnpm restore FILE [--force]
 *   pnpm migrate-to-postgres DATABASE_URL
 * README, "Backups and restore"; docs/decisions/023-operator-kit.md.
 */
const usage = `Usage:
  pnpm backup [--out DIR]                 a snapshot of the database into DIR (default: here), named with the time
  pnpm restore FILE [--force]             a backup into the (empty) database; --force replaces what is there
  pnpm migrate-to-postgres DATABASE_URL   everything in DATA_DIR into an empty PostgreSQL database`;

/** Paths the operator typed are relative to where they typed them (pnpm runs scripts elsewhere). */
const typedFrom = process.env.INIT_CWD ?? process.cwd();

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { out: { type: "string" }, force: { type: "boolean", default: false } },
  });
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) console.error(`config: ${problem}`);
    return 1;
  }
  switch (command) {
    case "backup": {
      const file = await backup(config.database, resolve(typedFrom, values.out ?? "."));
      console.log(`Backup written: ${file}`);
      return 0;
    }
    case "restore": {
      const [file] = positionals;
      if (!file) break;
      const into = await restore(config.database, resolve(typedFrom, file), values.force);
      console.log(`Restored ${file} into ${into}`);
      return 0;
    }
    case "migrate-to-postgres": {
      const [url] = positionals;
      if (!url?.startsWith("postgres")) break;
      const counts = await migrateToPostgres(config.dataDir, url);
      const width = Math.max(...counts.map((count) => count.table.length), 5);
      console.log(`${"table".padEnd(width)}  ${"DATA_DIR".padStart(9)}  ${"PostgreSQL".padStart(10)}`);
      for (const { table, source, target } of counts) {
        const mark = source === target ? "" : "  DIFFERENT";
        console.log(
          `${table.padEnd(width)}  ${String(source).padStart(9)}  ${String(target).padStart(10)}${mark}`,
        );
      }
      const different = counts.filter((count) => count.source !== count.target);
      if (different.length > 0) {
        console.error(
          `The counts differ in ${different.length} tables: do not switch to ${printableUrl(url)}`,
        );
        return 1;
      }
      console.log(
        `\nEverything is in ${printableUrl(url)}: stop using DATA_DIR and start the server with DATABASE_URL set to it.`,
      );
      return 0;
    }
  }
  console.error(usage);
  return 2;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof OperatorError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
