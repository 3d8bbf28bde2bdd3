import { afterEach, vi } from "vitest";

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
