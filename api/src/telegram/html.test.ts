import { describe, expect, it } from "vitest";
import { escapeHtml, userLink } from "./html";

describe("HTML for Telegram messages", () => {
  it("escapes what Telegram's HTML parse mode would read as markup", () => {
    expect(escapeHtml(`<b>Tom & "Jerry"</b> it's`)).toBe(
      "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; it&#39;s",
    );
    expect(escapeHtml("Иван 🍕")).toBe("Иван 🍕");
  });

  it("makes a profile link whose name cannot break out of the tag", () => {
    expect(userLink(42, '</a><a href="https://evil">x')).toBe(
      '<a href="tg://user?id=42">&lt;/a&gt;&lt;a href=&quot;https://evil&quot;&gt;x</a>',
    );
  });
});
