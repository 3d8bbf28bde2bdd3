import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryKit, type DeliveryKit, managersChatId } from "../../test/review-delivery-kit";
import { createTestContext, expectStatus, type TestContext } from "../../test/test-app";
import { acceptVerifiedPhone } from "../guests/guests";
import { storeManagerReply } from "./conversation";

// What an attacker types into a review, or into their Telegram name, to break out of our HTML.
const hostile = 'Tasty <b>bold</b> & </a><a href="https://evil.example">click</a> &amp; <script>x</script>';
const hostileFirstName = '</a><a href="https://evil.example">Mallory';
const hostileLastName = "<b>&</b>";

/**
 * Reads a message the way Telegram's HTML parser would: the tags (which can only be ours, if every
 * user string was escaped) and the visible text with entities decoded.
 */
function parseTelegramHtml(html: string) {
  const tags = [...html.matchAll(/<\/?([a-z]+)([^>]*)>/g)].map((match) => ({
    name: match[1],
    attributes: match[2]?.trim() ?? "",
  }));
  const text = html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
  return { tags, text };
}

describe("HTML injection into the managers' chat and back", () => {
  let kit: DeliveryKit;
  const mallory = {
    id: 9301,
    firstName: hostileFirstName,
    lastName: hostileLastName,
    username: "mallory",
    languageCode: "en",
  };

  beforeAll(async () => {
    kit = await createDeliveryKit();
    await kit.guestWithPhone(mallory, "+79211234567");
  });
  afterAll(() => kit.close());

  it("escapes the review text and the guest's name; the only link points at the guest's profile", async () => {
    await kit.postReview(mallory, { text: hostile, rating: 1 });
    kit.worker().start();
    await kit.waitUntilDelivered(1, 20_000);

    const [message] = kit.fake.messagesTo(managersChatId) as Array<{ text: string; parse_mode: string }>;
    expect(message?.parse_mode).toBe("HTML");
    const { tags, text } = parseTelegramHtml(message?.text ?? "");
    expect(new Set(tags.map((tag) => tag.name))).toEqual(new Set(["b", "a"]));
    const links = tags.filter((tag) => tag.name === "a" && tag.attributes !== "");
    expect(links).toEqual([{ name: "a", attributes: 'href="tg://user?id=9301"' }]);
    // The <b> of ours is the heading alone; the user's <b> and <script> are text.
    expect(tags.filter((tag) => tag.name === "b")).toHaveLength(2);
    expect(message?.text).not.toContain('https://evil.example"');
    expect(text).toContain(hostile);
    expect(text).toContain(`${hostileFirstName} ${hostileLastName}`);
    expect(message?.text).toContain(
      '<a href="tg://user?id=9301">&lt;/a&gt;&lt;a href=&quot;https://evil.example&quot;&gt;Mallory &lt;b&gt;&amp;&lt;/b&gt;</a>',
    );
    expect(message?.text).toContain(
      "Tasty &lt;b&gt;bold&lt;/b&gt; &amp; &lt;/a&gt;&lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt; &amp;amp; &lt;script&gt;x&lt;/script&gt;",
    );
  });

  it("escapes a manager's reply on its way to the guest, and the restaurant name too", async () => {
    const [reviewMessage] = kit.fake.messagesTo(managersChatId) as Array<{ text: string }>;
    expect(reviewMessage).toBeDefined();
    const outcome = await storeManagerReply(kit.db, {
      chatId: managersChatId,
      messageId: 500,
      replyToMessageId: 1,
      authorTelegramId: 42,
      text: hostile,
    });
    expect(outcome).toBe("stored");
    await kit.fake.waitFor(() => kit.fake.messagesTo(mallory.id).length === 1, 20_000);
    const [reply] = kit.fake.messagesTo(mallory.id) as Array<{ text: string; parse_mode: string }>;
    expect(reply?.parse_mode).toBe("HTML");
    const { tags, text } = parseTelegramHtml(reply?.text ?? "");
    expect(tags.every((tag) => ["b", "i", "blockquote"].includes(tag.name ?? ""))).toBe(true);
    expect(tags.some((tag) => tag.name === "a")).toBe(false);
    // The reply itself and the quote of the review, both as plain text.
    expect(text.split(hostile)).toHaveLength(3);
  });
});

describe("the demo managers' chat page", () => {
  let context: TestContext;

  beforeAll(async () => {
    context = await createTestContext({}, { demo: true });
  });
  afterAll(() => context.close());

  it("renders a hostile review as text, under a CSP that runs no injected script", async () => {
    const user = {
      id: 9302,
      firstName: hostileFirstName,
      lastName: hostileLastName,
      username: "m2",
      languageCode: "en",
    };
    await acceptVerifiedPhone(
      context.database.db,
      { ...user, lastName: user.lastName, username: user.username, languageCode: user.languageCode },
      "+79211234568",
    );
    await expectStatus(await context.request("/api/reviews", { as: user, json: { text: hostile } }), 202);

    const page = await context.request("/demo/managers-chat");
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'nonce-[^']+'/);
    const html = await page.text();
    expect(html).not.toContain('<a href="https://evil.example"');
    expect(html).not.toContain("<script>x</script>");
    expect(html).toContain('<a href="tg://user?id=9302">');
    // The "HTML as sent" view escapes once more: the entities show as text.
    expect(html).toContain("&amp;lt;script&amp;gt;");
  });
});
