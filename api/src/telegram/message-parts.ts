import { escapeHtml } from "./html";

/** Telegram refuses a message text longer than this (we count the HTML source, which is never shorter). */
export const telegramTextLimit = 4096;

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * Cuts plain text into pieces whose HTML-escaped form fits the given budgets (the first piece's
 * budget, then every other's), without losing or reordering a character. Cutting the text before
 * escaping means a cut can never fall inside an entity such as `&amp;`, and there are no tags in
 * user text to cut through. Cuts prefer a paragraph break, then a line break, then the end of a
 * sentence, then any space — as long as that keeps a piece at least half full — and never split a
 * user-perceived character (an emoji with modifiers, a letter with combining marks).
 */
export function splitEscapedText(text: string, budgets: { first: number; rest: number }): string[] {
  const units = toUnits(text, Math.min(budgets.first, budgets.rest));
  const pieces: string[] = [];
  let start = 0;
  while (start < units.length) {
    const budget = pieces.length === 0 ? budgets.first : budgets.rest;
    let used = 0;
    let end = start;
    // Best cut found so far at each preference, as the index just after the boundary.
    let paragraph = -1;
    let line = -1;
    let sentence = -1;
    let space = -1;
    while (end < units.length) {
      const unit = units[end] as string;
      const cost = escapeHtml(unit).length;
      if (used + cost > budget) break;
      used += cost;
      end++;
      if (unit.includes("\n")) {
        line = end;
        if (units[end - 2]?.includes("\n")) paragraph = end;
      } else if (/\s/u.test(unit)) {
        space = end;
        if (/[.!?…]/u.test(units[end - 2] ?? "")) sentence = end;
      }
    }
    if (end === units.length) {
      pieces.push(units.slice(start).join(""));
      break;
    }
    const halfway = start + Math.ceil((end - start) / 2);
    const cut = [paragraph, line, sentence, space].find((candidate) => candidate >= halfway) ?? end;
    pieces.push(units.slice(start, cut).join(""));
    start = cut;
  }
  return pieces;
}

/**
 * The text as a list of user-perceived characters; a "character" that alone would not fit a
 * message (thousands of combining marks stacked on one letter) is broken into code points.
 */
function toUnits(text: string, smallestBudget: number): string[] {
  const units: string[] = [];
  for (const { segment } of graphemes.segment(text)) {
    if (escapeHtml(segment).length <= smallestBudget) units.push(segment);
    else units.push(...Array.from(segment));
  }
  return units;
}

/**
 * A text sent "whole, over several messages": each part is its header (HTML, already escaped,
 * given the part's number and the number of parts), a blank line, and a piece of the escaped
 * body, within Telegram's limit.
 */
export function htmlMessageParts(options: {
  header: (partNumber: number, partCount: number) => string;
  body: string;
  limit?: number;
}): string[] {
  const limit = options.limit ?? telegramTextLimit;
  const separator = "\n\n";
  // Headers are measured with the widest part numbers they could show, so they fit once known.
  const widest = 9999;
  const budgets = {
    first: limit - options.header(1, widest).length - separator.length,
    rest: limit - options.header(widest, widest).length - separator.length,
  };
  if (budgets.first < 1 || budgets.rest < 1) throw new Error("message header leaves no room for the text");
  const pieces = splitEscapedText(options.body, budgets);
  if (pieces.length === 0) return [options.header(1, 1)];
  return pieces.map(
    (piece, index) => `${options.header(index + 1, pieces.length)}${separator}${escapeHtml(piece)}`,
  );
}
