import type { ErrorEnvelope, MeResponse, ReviewAnswerResponse } from "@guestcard/shared";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, expectStatus, guest, type TestContext } from "../../test/test-app";
import { reviewReplies } from "../db/schema";
import type { LaunchUser } from "../demo/launch-url";
import { acceptVerifiedPhone } from "../guests/guests";
import { recordReviewMessage, storeGuestAnswer, storeManagerReply } from "./conversation";

// The restaurant's answer on the guest's home: `GET /api/me` says there is one, `GET /api/reviews/answer`
// gives it, `POST /api/reviews/answer/read` puts it away. Managers answer as the bot records it: the
// review landed in the managers' chat as a message, and a manager replied to that message there.

const managersChat = -1_001_555_000_001;
const managerId = 777_015;
let nextMessageId = 1;

describe("the restaurant's answer on the guest's home", () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext();
  });
  afterAll(() => context.close());

  /** A guest who shared their phone with the bot and registered. */
  async function registeredGuest(id: number, firstName: string): Promise<LaunchUser> {
    const user = guest(id, firstName);
    await acceptVerifiedPhone(
      context.database.db,
      { id, firstName, lastName: "Tester", username: `guest${id}`, languageCode: "en" },
      `+7999${String(id).padStart(7, "0")}`,
    );
    await expectStatus(
      await context.request("/api/registration", {
        as: user,
        json: { lastName: "Tester", firstName, consents: { personalData: true } },
      }),
      201,
    );
    return user;
  }

  async function writesReview(user: LaunchUser, text: string, rating?: number): Promise<string> {
    const { id } = await expectStatus<{ id: string }>(
      await context.request("/api/reviews", { as: user, json: { text, rating } }),
      202,
    );
    return id;
  }

  /** The review as it landed in the managers' chat (the delivery records Telegram's message id). */
  const reviewMessageIds = new Map<string, number>();
  async function reviewMessage(reviewId: string): Promise<number> {
    let messageId = reviewMessageIds.get(reviewId);
    if (messageId === undefined) {
      messageId = nextMessageId++;
      await recordReviewMessage(context.database.db, {
        chatId: managersChat,
        messageId,
        reviewId,
        kind: "review",
      });
      reviewMessageIds.set(reviewId, messageId);
    }
    return messageId;
  }

  /** A manager taps "Reply" on the review in the managers' chat and writes `text`. */
  async function managerAnswers(reviewId: string, text: string): Promise<void> {
    const outcome = await storeManagerReply(context.database.db, {
      chatId: managersChat,
      messageId: nextMessageId++,
      replyToMessageId: await reviewMessage(reviewId),
      authorTelegramId: managerId,
      text,
    });
    expect(outcome).toBe("stored");
  }

  const me = async (user: LaunchUser) =>
    expectStatus<MeResponse>(await context.request("/api/me", { as: user }), 200);
  const answerOf = async (user: LaunchUser) =>
    (
      await expectStatus<ReviewAnswerResponse>(
        await context.request("/api/reviews/answer", { as: user }),
        200,
      )
    ).answer;
  const marksRead = (user: LaunchUser, replyIds: unknown) =>
    context.request("/api/reviews/answer/read", { as: user, json: { replyIds } });

  it("gives a guest whose review a manager answered the answer, and /api/me says there is one", async () => {
    const anna = await registeredGuest(9_501, "Anna");
    expect((await me(anna)).reviewAnswerUnread).toBe(false);
    const reviewId = await writesReview(anna, "The soup was cold, the bread was great.", 3);
    expect(await answerOf(anna), "no answer yet").toBeNull();
    expect((await me(anna)).reviewAnswerUnread).toBe(false);

    await managerAnswers(reviewId, "Sorry about the soup!\nYour next one is on us.");

    expect((await me(anna)).reviewAnswerUnread).toBe(true);
    const answer = await answerOf(anna);
    expect(answer).toMatchObject({
      review: { id: reviewId, rating: 3 },
      replies: [{ author: "manager", text: "Sorry about the soup!\nYour next one is on us." }],
    });
    expect(Date.parse(answer?.review.createdAt ?? "")).not.toBeNaN();
    expect(Date.parse(answer?.replies[0]?.at ?? "")).toBeGreaterThanOrEqual(
      Date.parse(answer?.review.createdAt ?? ""),
    );
  });

  it("does not show another guest the answer, nor let them put it away", async () => {
    const boris = await registeredGuest(9_502, "Boris");
    const vera = await registeredGuest(9_503, "Vera");
    const reviewId = await writesReview(boris, "Lovely terrace.", 5);
    await managerAnswers(reviewId, "Thank you, Boris!");
    const replyId = (await answerOf(boris))?.replies[0]?.id;
    expect(replyId).toBeTypeOf("number");

    expect(await answerOf(vera)).toBeNull();
    expect((await me(vera)).reviewAnswerUnread).toBe(false);
    const refused = await expectStatus<ErrorEnvelope>(await marksRead(vera, [replyId]), 404);
    expect(refused.error.code).toBe("not_found");
    // Vera's own review with Boris's reply id among hers: still refused, and nothing marked.
    const veraReview = await writesReview(vera, "Too loud.");
    await managerAnswers(veraReview, "We will turn the music down.");
    const veraReply = (await answerOf(vera))?.replies[0]?.id;
    await expectStatus(await marksRead(vera, [veraReply, replyId]), 404);
    expect((await answerOf(vera))?.replies.map((reply) => reply.id)).toEqual([veraReply]);

    expect((await answerOf(boris))?.replies.map((reply) => reply.id)).toEqual([replyId]);
    expect((await me(boris)).reviewAnswerUnread).toBe(true);
  });

  it("hides the answer once the guest marks it read, on every device, and shows it again with a newer answer", async () => {
    const clara = await registeredGuest(9_504, "Clara");
    const reviewId = await writesReview(clara, "The steak was perfect.", 5);
    await managerAnswers(reviewId, "Thank you, Clara!");
    const first = await answerOf(clara);
    const firstId = first?.replies[0]?.id ?? 0;

    const afterRead = await expectStatus<ReviewAnswerResponse>(await marksRead(clara, [firstId]), 200);
    expect(afterRead.answer).toBeNull();
    // Stored on the server: a later open (another phone, a reload) finds it read too.
    expect(await answerOf(clara)).toBeNull();
    expect((await me(clara)).reviewAnswerUnread).toBe(false);
    const [stored] = await context.database.db
      .select({ readAt: reviewReplies.readAt })
      .from(reviewReplies)
      .where(eq(reviewReplies.id, firstId));
    expect(stored?.readAt).toBeInstanceOf(Date);

    // The other device marks it read too: fine, and the first time stays.
    expect(
      (await expectStatus<ReviewAnswerResponse>(await marksRead(clara, [firstId]), 200)).answer,
    ).toBeNull();
    const [again] = await context.database.db
      .select({ readAt: reviewReplies.readAt })
      .from(reviewReplies)
      .where(eq(reviewReplies.id, firstId));
    expect(again?.readAt).toEqual(stored?.readAt);

    // The manager writes again: the new reply shows, the read one does not.
    await managerAnswers(reviewId, "And the dessert next time is on us.");
    expect((await me(clara)).reviewAnswerUnread).toBe(true);
    const second = await answerOf(clara);
    expect(second?.replies.map((reply) => reply.text)).toEqual(["And the dessert next time is on us."]);
  });

  it("keeps a reply that arrived while the guest was reading: only the replies seen are marked read", async () => {
    const dina = await registeredGuest(9_505, "Dina");
    const reviewId = await writesReview(dina, "Where is the vegetarian menu?");
    await managerAnswers(reviewId, "On the back of the wine list.");
    const seen = (await answerOf(dina))?.replies.map((reply) => reply.id) ?? [];
    await managerAnswers(reviewId, "We will print it separately from Monday.");

    const left = await expectStatus<ReviewAnswerResponse>(await marksRead(dina, seen), 200);
    expect(left.answer?.review.id).toBe(reviewId);
    expect(left.answer?.replies.map((reply) => reply.text)).toEqual([
      "We will print it separately from Monday.",
    ]);
    expect((await me(dina)).reviewAnswerUnread).toBe(true);
  });

  it("shows the answer to the latest review only, and never the guest's own answers", async () => {
    const egor = await registeredGuest(9_506, "Egor");
    const older = await writesReview(egor, "First visit: great.", 5);
    await managerAnswers(older, "Welcome!");
    expect(await answerOf(egor)).not.toBeNull();

    // A newer review without an answer: home has nothing to show (the older answer is in the history).
    const newer = await writesReview(egor, "Second visit: slow service.", 2);
    expect(await answerOf(egor)).toBeNull();
    expect((await me(egor)).reviewAnswerUnread).toBe(false);
    await managerAnswers(older, "Glad you came back.");
    expect(await answerOf(egor)).toBeNull();

    await managerAnswers(newer, "Sorry, we were two waiters short.");
    const answer = await answerOf(egor);
    expect(answer?.review).toMatchObject({ id: newer, rating: 2 });
    expect(answer?.replies.map((reply) => reply.text)).toEqual(["Sorry, we were two waiters short."]);

    // The guest answers the manager's message in the bot chat: that is theirs, not an answer to them.
    const managerReplyMessage = nextMessageId++;
    await recordReviewMessage(context.database.db, {
      chatId: egor.id,
      messageId: managerReplyMessage,
      reviewId: newer,
      kind: "manager_reply",
    });
    const guestAnswer = await storeGuestAnswer(context.database.db, {
      chatId: egor.id,
      messageId: nextMessageId++,
      replyToMessageId: managerReplyMessage,
      authorTelegramId: egor.id,
      text: "No problem, thanks.",
    });
    expect(guestAnswer).toBe("stored");
    expect((await answerOf(egor))?.replies.map((reply) => reply.author)).toEqual(["manager"]);
    const guestReplyId = (
      await context.database.db
        .select({ id: reviewReplies.id })
        .from(reviewReplies)
        .where(eq(reviewReplies.text, "No problem, thanks."))
    )[0]?.id;
    await expectStatus(await marksRead(egor, [guestReplyId]), 404);
  });

  it("shows nothing to a guest who deleted their account, and has nothing for them to mark", async () => {
    const fedor = await registeredGuest(9_507, "Fedor");
    const reviewId = await writesReview(fedor, "Good coffee.", 4);
    await managerAnswers(reviewId, "Thanks, Fedor!");
    const replyId = (await answerOf(fedor))?.replies[0]?.id;

    await expectStatus(await context.request("/api/my-data", { method: "DELETE", as: fedor }), 200);

    expect(await answerOf(fedor)).toBeNull();
    expect((await me(fedor)).reviewAnswerUnread).toBe(false);
    expect((await expectStatus<ErrorEnvelope>(await marksRead(fedor, [replyId]), 404)).error.code).toBe(
      "not_found",
    );
  });

  it("answers 422 for a list of replies that is missing, empty, too long or not of ids", async () => {
    const gleb = await registeredGuest(9_508, "Gleb");
    for (const replyIds of [
      undefined,
      [],
      ["1"],
      [0],
      [1.5],
      Array.from({ length: 51 }, (_, index) => index + 1),
    ]) {
      const refused = await expectStatus<ErrorEnvelope>(await marksRead(gleb, replyIds), 422);
      expect(refused.error.code, JSON.stringify(replyIds)).toBe("validation_failed");
      expect(Object.keys(refused.error.fieldErrors ?? {}).join(), JSON.stringify(replyIds)).toMatch(
        /^replyIds/,
      );
    }
  });
});
