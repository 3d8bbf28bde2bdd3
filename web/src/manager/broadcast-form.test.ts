import { broadcastSegmentSchema, inactiveDaysRange } from "@guestcard/shared";
import { describe, expect, it } from "vitest";
import {
  broadcastPhase,
  initialSegmentForm,
  messageText,
  pluralText,
  progressShare,
  type SegmentForm,
  segmentFromForm,
  segmentKey,
} from "./broadcast-form";
import { managerCatalogues } from "./manager-catalogue";

const { en, ru } = managerCatalogues;
const form = (change: Partial<SegmentForm>): SegmentForm => ({ ...initialSegmentForm, ...change });

describe("the recipient count and the confirmation, in both languages", () => {
  it("says a count in Russian with the plural form its number needs", () => {
    const said = (count: number) => ru.willReceive(count);
    expect(said(1)).toBe("1 гость получит это сообщение");
    expect(said(2)).toBe("2 гостя получат это сообщение");
    expect(said(4)).toBe("4 гостя получат это сообщение");
    expect(said(5)).toBe("5 гостей получат это сообщение");
    expect(said(11)).toBe("11 гостей получат это сообщение");
    expect(said(12)).toBe("12 гостей получат это сообщение");
    expect(said(14)).toBe("14 гостей получат это сообщение");
    expect(said(21)).toBe("21 гость получит это сообщение");
    expect(said(22)).toBe("22 гостя получат это сообщение");
    expect(said(111)).toBe("111 гостей получат это сообщение");
    expect(said(812)).toBe("812 гостей получат это сообщение");
    expect(said(1001)).toBe("1\u00a0001 гость получит это сообщение");
    expect(said(0)).toBe("Сейчас это сообщение никто не получит");
  });

  it("asks in Russian in the dative: «гостю» after 1, 21, 101, «гостям» after the rest", () => {
    expect(ru.sendQuestion(1)).toBe("Отправить 1 гостю?");
    expect(ru.sendQuestion(21)).toBe("Отправить 21 гостю?");
    expect(ru.sendQuestion(101)).toBe("Отправить 101 гостю?");
    expect(ru.sendQuestion(11)).toBe("Отправить 11 гостям?");
    expect(ru.sendQuestion(812)).toBe("Отправить 812 гостям?");
    expect(ru.sendConfirm(3)).toBe("Отправить 3 гостям");
  });

  it("says the same in English, thousands grouped", () => {
    expect(en.willReceive(1)).toBe("1 guest will receive it");
    expect(en.willReceive(812)).toBe("812 guests will receive it");
    expect(en.willReceive(12_500)).toBe("12,500 guests will receive it");
    expect(en.willReceive(0)).toBe("Nobody would receive it right now");
    expect(en.sendQuestion(1)).toBe("Send to 1 guest?");
    expect(en.sendQuestion(812)).toBe("Send to 812 guests?");
    expect(en.segmentSummaryInactive(1)).toBe("Not visited for 1 day or more");
    expect(ru.segmentSummaryInactive(3)).toBe("Не приходили 3 дня и больше");
    expect(ru.segmentSummaryInactive(365)).toBe("Не приходили 365 дней и больше");
    expect(ru.segmentSummaryInactive(31)).toBe("Не приходили 31 день и больше");
  });

  it("falls back to `other` for a form a phrase does not list, and uses `zero` only for 0", () => {
    expect(pluralText("ru-RU", 5, { one: "# один", other: "# прочие" })).toBe("5 прочие");
    expect(pluralText("en-GB", 0, { other: "# guests" })).toBe("0 guests");
    expect(pluralText("en-GB", 0, { zero: "nobody", other: "# guests" })).toBe("nobody");
  });

  it("has Russian in every broadcast text of the Russian catalogue", () => {
    for (const [key, value] of Object.entries(ru)) {
      if (!/broadcast|segment|send|phase|bubble|recipient|cancel|willReceive|message|preview/i.test(key))
        continue;
      const text = typeof value === "function" ? (value as (n: number, m: number) => string)(2, 4000) : value;
      if (typeof text === "string") expect(text, key).toMatch(/[а-яё]/i);
    }
  });
});

describe("the segment picker's form as the shared schema's segment", () => {
  it("makes each kind's value, and the schema accepts it", () => {
    const cases: Array<[Partial<SegmentForm>, unknown]> = [
      [{ kind: "all", sourceCode: "tents" }, { kind: "all" }],
      [
        { kind: "source", sourceCode: "tents_nevsky" },
        { kind: "source", code: "tents_nevsky" },
      ],
      [
        { kind: "inactive", inactiveDays: " 90 " },
        { kind: "inactive", days: 90 },
      ],
      [{ kind: "birthday_month" }, { kind: "birthday_month" }],
      [
        { kind: "tier", tierName: "Gold" },
        { kind: "tier", name: "Gold" },
      ],
    ];
    for (const [change, segment] of cases) {
      const result = segmentFromForm(form(change));
      expect(result).toEqual({ ok: true, segment });
      expect(broadcastSegmentSchema.safeParse(segment).success).toBe(true);
    }
  });

  it("refuses days that are not a whole number in range, keyed as the API keys them", () => {
    const outOfRange = {
      ok: false,
      fieldErrors: { "segment.days": { code: "out_of_range", params: inactiveDaysRange } },
    };
    for (const typed of ["", "0", "3651", "2.5", "1e3", "-5", "abc", "99999999999"]) {
      expect(segmentFromForm(form({ kind: "inactive", inactiveDays: typed })), typed).toEqual(outOfRange);
    }
    expect(segmentFromForm(form({ kind: "inactive", inactiveDays: "3650" })).ok).toBe(true);
    expect(segmentFromForm(form({ kind: "inactive", inactiveDays: "1" })).ok).toBe(true);
  });

  it("refuses a bad source code and an empty tier with the schema's codes", () => {
    expect(segmentFromForm(form({ kind: "source", sourceCode: "two words" }))).toEqual({
      ok: false,
      fieldErrors: { "segment.code": { code: "invalid" } },
    });
    expect(segmentFromForm(form({ kind: "tier", tierName: "" }))).toEqual({
      ok: false,
      fieldErrors: { "segment.name": { code: "required" } },
    });
  });

  it("keys a segment by its value only", () => {
    const a = segmentFromForm(form({ kind: "inactive", inactiveDays: "30", sourceCode: "x" }));
    const b = segmentFromForm(form({ kind: "inactive", inactiveDays: "030", sourceCode: "y" }));
    if (!a.ok || !b.ok) throw new Error("expected both to be valid");
    expect(segmentKey(a.segment)).toBe(segmentKey(b.segment));
  });
});

describe("the message and its progress", () => {
  it("shows the text as it will be sent: NFC, trimmed, inner line breaks kept", () => {
    expect(messageText("  Hello\n\nnew menu  \n")).toBe("Hello\n\nnew menu");
    expect(messageText("Cafe\u0301")).toBe("Café");
  });

  it("counts sent, blocked and failed towards the bar, and tells a cancelled broadcast apart", () => {
    expect(progressShare({ recipients: 200, sent: 100, blocked: 30, failed: 20 })).toBe(0.75);
    expect(progressShare({ recipients: 0, sent: 0, blocked: 0, failed: 0 })).toBe(1);
    expect(broadcastPhase({ status: "done", cancelled: true })).toBe("cancelled");
    expect(broadcastPhase({ status: "done", cancelled: false })).toBe("done");
    expect(broadcastPhase({ status: "sending", cancelled: false })).toBe("sending");
  });
});
