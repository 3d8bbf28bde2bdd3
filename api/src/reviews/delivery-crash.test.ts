import { rmSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type BotApiGate, startBotApiGate } from "../../test/bot-api-gate";
import { type FakeBotApi, startFakeBotApi } from "../../test/fake-bot-api";
import {
  createServerDatabase,
  deliveredStates,
  postReviewTo,
  reviewServerEnvironment,
  serverManagersChatId,
  shareGuestPhone,
  startReviewServer,
} from "../../test/review-server-kit";
import { migratedDataDir, type ServerProcess } from "../../test/server-process";
import { telegramUser } from "../../test/telegram-updates";

// The database the server processes use: a database of their own on TEST_DATABASE_URL's server when
// it is set (CI's PostgreSQL run), else the embedded PGlite in a DATA_DIR, as `pnpm start` uses it.
const serverUrl = process.env.TEST_DATABASE_URL;
const databaseKind = serverUrl ? "PostgreSQL" : "embedded PGlite";

const guests = [telegramUser(9501, "Kim"), telegramUser(9502, "Lee")];
const reviewsPerGuest = 5;

describe(`SIGKILL while a review is being delivered, then a restart (${databaseKind})`, () => {
  let fake: FakeBotApi;
  let gate: BotApiGate;
  let environment: Record<string, string>;
  let cleanUp: () => Promise<void>;
  const servers: ServerProcess[] = [];

  beforeEach(async () => {
    fake = await startFakeBotApi();
    gate = await startBotApiGate(fake.apiRoot);
    if (serverUrl) {
      const database = await createServerDatabase(serverUrl);
      if (!database) throw new Error(`TEST_DATABASE_URL is set but its server does not answer: ${serverUrl}`);
      environment = reviewServerEnvironment(gate.apiRoot, { url: database.url });
      cleanUp = database.drop;
    } else {
      const dataDir = migratedDataDir("guestcard-crash-");
      environment = reviewServerEnvironment(gate.apiRoot, { dataDir });
      cleanUp = async () => rmSync(dataDir, { recursive: true, force: true });
    }
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop("SIGKILL");
    await gate.close();
    await fake.close();
    await cleanUp();
  });

  /** Starts a server, sends ten reviews, and SIGKILLs it while the fourth delivery is held at the gate. */
  async function crashDuringFourthDelivery(options: { afterTelegram: boolean }) {
    const first = await startReviewServer(environment);
    servers.push(first);
    for (const [index, user] of guests.entries()) await shareGuestPhone(first, user, `+7921000000${index}`);
    const held = gate.holdNext("sendMessage", { skip: 3, afterTelegram: options.afterTelegram });
    const texts: string[] = [];
    for (let index = 0; index < reviewsPerGuest; index++) {
      for (const user of guests) {
        const text = `Crash review ${user.id}/${index}`;
        await postReviewTo(first, user, text);
        texts.push(text);
      }
    }
    await held.arrived;
    expect(await first.stop("SIGKILL")).toBeNull();
    return texts;
  }

  async function restartAndDeliverEverything() {
    const second = await startReviewServer(environment);
    servers.push(second);
    await vi.waitFor(
      async () => {
        const states = (await Promise.all(guests.map((user) => deliveredStates(second, user)))).flat();
        if (states.length !== guests.length * reviewsPerGuest || !states.every(Boolean))
          throw new Error(`not delivered after the restart: ${JSON.stringify(states)}\n${second.output()}`);
      },
      { timeout: 30_000, interval: 50 },
    );
    // A graceful stop still exits 0, and nothing private reached the log.
    expect(await second.stop("SIGTERM")).toBe(0);
    expect(second.output()).not.toMatch(/\+7921000000\d/);
    return second;
  }

  const visibleHistory = () =>
    fake.messagesTo(serverManagersChatId).map((message) => String(message.text).split("\n\n")[1] ?? "");

  const occurrences = (history: string[]) => {
    const counts = new Map<string, number>();
    for (const text of history) counts.set(text, (counts.get(text) ?? 0) + 1);
    return counts;
  };

  it("killed before Telegram saw the message: after the restart every review is there exactly once", async () => {
    const texts = await crashDuringFourthDelivery({ afterTelegram: false });
    expect(visibleHistory(), "three delivered before the crash").toHaveLength(3);
    await restartAndDeliverEverything();

    const counts = occurrences(visibleHistory());
    expect([...counts.keys()].sort()).toEqual([...texts].sort());
    expect(
      [...counts.values()].every((count) => count === 1),
      JSON.stringify([...counts]),
    ).toBe(true);
  }, 180_000);

  it("killed after Telegram accepted, before we recorded it: that one review shows twice, all others once (the documented window)", async () => {
    const texts = await crashDuringFourthDelivery({ afterTelegram: true });
    const beforeRestart = visibleHistory();
    expect(beforeRestart).toHaveLength(4);
    const inTheWindow = beforeRestart[3] as string;
    await restartAndDeliverEverything();

    const counts = occurrences(visibleHistory());
    expect([...counts.keys()].sort()).toEqual([...texts].sort());
    for (const [text, count] of counts) expect(count, text).toBe(text === inTheWindow ? 2 : 1);
  }, 180_000);
});
