import { inject } from "vitest";

/** What the global set-up (api/test/global-setup.ts) builds once per run, for every test file to copy. */
export interface MigratedDatabases {
  /** The migrated PGlite data directory, as a tarball (`dumpDataDir`). */
  pgliteTarball: string;
  /** With TEST_DATABASE_URL: the migrated template, and the name prefix of this run's copies of it. */
  postgres?: { template: string; copyPrefix: string };
}

declare module "vitest" {
  export interface ProvidedContext {
    migratedDatabases: MigratedDatabases;
  }
}

export function migratedDatabases(): MigratedDatabases {
  const migrated = inject("migratedDatabases");
  if (!migrated) {
    throw new Error(
      "No migrated database: run the tests through vitest.config.ts, whose global set-up builds it",
    );
  }
  return migrated;
}
