import { afterAll, afterEach, vi } from "vitest";

// An unexpected console.error is a bug the test did not look for: fail the test that caused it.
const errorSpy = vi.spyOn(console, "error");

afterEach(() => {
  const calls = errorSpy.mock.calls;
  errorSpy.mockClear();
  if (calls.length > 0) {
    throw new Error(
      `Unexpected console.error during the test:\n${calls.map((args) => args.map(String).join(" ")).join("\n")}`,
    );
  }
});

// Files share their worker (vitest.config.ts): a test database left open would outlive its file.
afterAll(() => {
  const shared = globalThis as typeof globalThis & { guestcardOpenTestDatabases?: number };
  const open = shared.guestcardOpenTestDatabases ?? 0;
  // Counted once: the next file in this worker starts clean.
  shared.guestcardOpenTestDatabases = 0;
  if (open > 0) {
    throw new Error(`${open} test database(s) left open: close every context and database the file creates`);
  }
});
