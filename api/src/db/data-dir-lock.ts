/// <reference path="./fs-native-extensions.d.ts" />
// The addon ships no types: the declaration sits beside this file (the web typechecks our imports too).
import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { tryLock } from "fs-native-extensions";

/**
 * The embedded database (PGlite) is one process's: a second process on the same DATA_DIR keeps its
 * own copy of the database in memory and overwrites the first one's files, so acknowledged writes
 * are lost (issue 16). Each process therefore holds an exclusive lock on `DATA_DIR/guestcard.lock`
 * for its whole life.
 *
 * An OS file lock (`fcntl` open-file-description locks on Linux, `flock` on macOS, via
 * fs-native-extensions' prebuilt addon), not a lock *file*: the kernel drops it when the process
 * ends in any way, SIGKILL and power loss included, so there is no stale lock to detect or clean up.
 * A pid file alone (or proper-lockfile's mkdir and mtime) must guess whether its owner still lives,
 * and after a container restart the new process often has the very pid the file names.
 * See docs/decisions/013-one-process-per-data-dir.md.
 */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | undefined,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by ${pid === undefined ? "another process" : `process ${pid}`}; use DATABASE_URL for several instances`,
    );
  }
}

export interface DataDirLock {
  /** Gives the directory up (closing the file releases the lock); the file itself stays. */
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, "guestcard.lock");
  // Opened for writing (an exclusive lock needs it) without truncating: the holder's pid stays
  // readable until we hold the lock ourselves.
  const fd = openSync(path, "a+");
  let locked = false;
  try {
    locked = tryLock(fd);
  } finally {
    if (!locked) closeSync(fd);
  }
  if (!locked) throw new DataDirInUseError(dataDir, holderPid(path));
  // The pid is for the message a second process prints; the lock, not the file, is what counts.
  ftruncateSync(fd, 0);
  writeSync(fd, `${process.pid}\n`);
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      closeSync(fd);
    },
  };
}

function holderPid(path: string): number | undefined {
  const pid = Number(readFileSync(path, "utf8").trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}
