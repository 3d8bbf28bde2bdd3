import { describe, expect, it } from "vitest";
import { createDeliveryKit, managersChatId } from "../../test/review-delivery-kit";
import { guest } from "../../test/test-app";

describe("a burst of 100 reviews against Telegram's group limit", () => {
  // Telegram's limit is about 20 messages a minute to one group; the fake enforces 20 per window and
  // the window is one second here, so the test takes seconds instead of five minutes.
  const limit = { perChatPerMinute: 20, windowMs: 1000 };

  it("gets no 429: two workers share the pacing through the database and deliver every review once", async () => {
    const kit = await createDeliveryKit({
      fake: { rateLimit: limit },
      pacing: { messages: limit.perChatPerMinute, windowMs: limit.windowMs },
    });
    try {
      kit.worker().start();
      kit.worker().start();
      // Five reviews an hour per guest: twenty guests send five each, all at once.
      const guests = await Promise.all(
        Array.from({ length: 20 }, (_, index) => kit.guestWithPhone(guest(9400 + index, `Guest${index}`))),
      );
      const ids = await Promise.all(
        guests.flatMap((user) =>
          Array.from({ length: 5 }, (_, index) =>
            kit.postReview(user, { text: `Burst review ${user.id}/${index}` }),
          ),
        ),
      );
      expect(new Set(ids).size).toBe(100);
      // A deadline, not a wait: on a loaded machine PGlite is slow, and pacing alone takes five windows.
      await kit.waitUntilDelivered(100, 120_000);

      const calls = kit.fake.callsTo("sendMessage");
      expect(
        calls.filter((call) => call.status !== 200).map((call) => call.status),
        "Telegram never had to refuse a message",
      ).toEqual([]);
      const texts = kit.fake
        .messagesTo(managersChatId)
        .map((message) => String(message.text).split("\n\n")[1]);
      expect(texts).toHaveLength(100);
      expect(new Set(texts).size).toBe(100);
      // The pacing really held them back: 100 messages at 20 a window span at least four windows.
      const at = calls.map((call) => call.at).sort((a, b) => a - b);
      expect((at[99] as number) - (at[0] as number)).toBeGreaterThanOrEqual(4 * limit.windowMs);
      for (let index = limit.perChatPerMinute; index < at.length; index++) {
        expect((at[index] as number) - (at[index - limit.perChatPerMinute] as number)).toBeGreaterThanOrEqual(
          limit.windowMs,
        );
      }
    } finally {
      await kit.close();
    }
  }, 180_000);
});
