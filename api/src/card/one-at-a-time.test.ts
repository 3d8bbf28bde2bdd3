import { describe, expect, it } from "vitest";
import { oneAtATime } from "./one-at-a-time";

/** A task that finishes when told to, recording when it starts and ends. */
function controlled(log: string[], name: string) {
  let finish: (value: string) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const task = () => {
    log.push(`start ${name}`);
    return new Promise<string>((resolve, reject) => {
      finish = (value) => {
        log.push(`end ${name}`);
        resolve(value);
      };
      fail = reject;
    });
  };
  return { task, finish: (value = name) => finish(value), fail: (error: Error) => fail(error) };
}

describe("oneAtATime", () => {
  it("runs one key's tasks in order, one after the other, and other keys' tasks alongside", async () => {
    const log: string[] = [];
    const run = oneAtATime<number>();
    const [a1, a2, b1] = [controlled(log, "a1"), controlled(log, "a2"), controlled(log, "b1")];
    const answers = [run(1, a1.task), run(1, a2.task), run(2, b1.task)];
    await Promise.resolve();
    expect(log).toEqual(["start a1", "start b1"]);
    a1.finish();
    await expect(answers[0]).resolves.toBe("a1");
    await Promise.resolve();
    expect(log).toEqual(["start a1", "start b1", "end a1", "start a2"]);
    a2.finish();
    b1.finish();
    expect(await Promise.all(answers)).toEqual(["a1", "a2", "b1"]);
  });

  it("goes on with the next task when one fails, and the failure reaches its own caller only", async () => {
    const log: string[] = [];
    const run = oneAtATime<string>();
    const [first, second] = [controlled(log, "first"), controlled(log, "second")];
    const answers = [run("k", first.task), run("k", second.task)];
    await Promise.resolve();
    first.fail(new Error("boom"));
    await expect(answers[0]).rejects.toThrow("boom");
    await Promise.resolve();
    second.finish();
    await expect(answers[1]).resolves.toBe("second");
    // A key whose work is done starts afresh.
    await expect(run("k", async () => "again")).resolves.toBe("again");
  });
});
