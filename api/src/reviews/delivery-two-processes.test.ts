import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { startFakeBotApi } from "../../test/fake-bot-api";
import { createDeliveryKit, managersChatId } from "../../test/review-delivery-kit";
import {
  createServerDatabase,
  postgresAnswers,
  postgresServerUrl,
  postReviewTo,
  reviewServerEnvironment,
  serverManagersChatId,
  shareGuestPhone,
  startReviewServer,
} from "../../test/review-server-kit";
import type { ServerProcess } from "../../test/server-process";
import { telegramUser } from "../../test/telegram-updates";
import { guest } from "../../test/test-app";

const reviewCount = 200;
// Five reviews an hour per guest (README.md, Reviews): forty guests send five each.
const guestCount = reviewCount / 5;

/** Runs `task` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, task: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += width)
    await Promise.all(items.slice(start, start + width).map(task));
}

function expectEachExactlyOnce(history: string[], expected: string[]) {
  const counts = new Map<string, number>();
  for (const text of history) counts.set(text, (counts.get(text) ?? 0) + 1);
  const repeated = [...counts].filter(([, count]) => count > 1);
  expect(repeated, "reviews delivered more than once").toEqual([]);
  expect([...counts.keys()].sort()).toEqual([...expected].sort());
}

// Two server processes need a database server; PGlite is single-process. Where no PostgreSQL server
// answers, the same guarantee is checked with two workers in one process sharing one database.
const postgresReachable = await postgresAnswers(postgresServerUrl);

function twoServerProcesses() {
  it(`deliver ${reviewCount} reviews between them, each exactly once`, async () => {
    const fake = await startFakeBotApi();
    const database = await createServerDatabase(postgresServerUrl);
    if (!database) throw new Error("the PostgreSQL server stopped answering");
    const servers: ServerProcess[] = [];
    try {
      const environment = {
        ...reviewServerEnvironment(fake.apiRoot, { url: database.url }),
        LOG_LEVEL: "info",
        // Nobody crashes here, so no lease needs to run out: a long one keeps a process that the busy
        // machine stalls for a second or two from losing its job to the other (which would send it twice).
        DELIVERY_LEASE_MS: "30000",
      };
      // One after the other: each applies the migrations at start.
      servers.push(await startReviewServer(environment));
      servers.push(await startReviewServer(environment));
      const [first, second] = servers as [ServerProcess, ServerProcess];

      const guests = Array.from({ length: guestCount }, (_, index) =>
        telegramUser(9600 + index, `Guest${index}`),
      );
      await inBatches(guests, 10, (user) =>
        shareGuestPhone(user.id % 2 ? first : second, user, `+7921${String(user.id).padStart(7, "0")}`),
      );
      const texts: string[] = [];
      const posts = guests.flatMap((user, guestIndex) =>
        Array.from({ length: 5 }, (_, index) => {
          const text = `Two-process review ${user.id}/${index}`;
          texts.push(text);
          // Half the reviews arrive at each server.
          return { server: (guestIndex + index) % 2 ? first : second, user, text };
        }),
      );
      await inBatches(posts, 20, ({ server, user, text }) => postReviewTo(server, user, text));

      const sql = postgres(database.url, { max: 1, onnotice: () => {} });
      try {
        const waiting = async () => {
          const [row] = await sql<
            [{ waiting: number }]
          >`select count(*)::int as waiting from reviews where delivered_at is null`;
          return row.waiting;
        };
        await expect.poll(waiting, { timeout: 60_000, interval: 50 }).toBe(0);
      } finally {
        await sql.end();
      }

      const history = fake
        .messagesTo(serverManagersChatId)
        .map((message) => String(message.text).split("\n\n")[1] ?? "");
      expectEachExactlyOnce(history, texts);
      // Both processes really took part.
      for (const server of servers) {
        expect(
          server.output().match(/outbox: delivered/g)?.length ?? 0,
          "deliveries by one process",
        ).toBeGreaterThan(10);
      }
      for (const server of servers.splice(0)) expect(await server.stop("SIGTERM")).toBe(0);
    } finally {
      for (const server of servers) await server.stop("SIGKILL");
      await fake.close();
      await database.drop();
    }
  }, 240_000);
}

function twoWorkersInOneProcess() {
  it(`deliver ${reviewCount} reviews between them, each exactly once`, async () => {
    const kit = await createDeliveryKit();
    try {
      const workers = [kit.worker(), kit.worker()];
      for (const worker of workers) worker.start();
      const guests = await Promise.all(
        Array.from({ length: guestCount }, (_, index) =>
          kit.guestWithPhone(guest(9600 + index, `Guest${index}`)),
        ),
      );
      const texts: string[] = [];
      await inBatches(
        guests.flatMap((user) =>
          Array.from({ length: 5 }, (_, index) => ({ user, text: `Two-worker review ${user.id}/${index}` })),
        ),
        20,
        async ({ user, text }) => {
          texts.push(text);
          await kit.postReview(user, { text });
        },
      );
      await kit.waitUntilDelivered(reviewCount, 60_000);
      const history = kit.fake
        .messagesTo(managersChatId)
        .map((message) => String(message.text).split("\n\n")[1] ?? "");
      expectEachExactlyOnce(history, texts);
    } finally {
      await kit.close();
    }
  }, 240_000);
}

// Registered one way or the other, never skipped: the test name says which ran.
if (postgresReachable) describe("two server processes on one PostgreSQL", () => twoServerProcesses());
else
  describe("two workers in one process on one PGlite database (no PostgreSQL server reachable)", () =>
    twoWorkersInOneProcess());
