import { describe, expect, it } from "vitest";
import { pickLanguage } from "./language";

describe("pickLanguage", () => {
  it.each(["ru", "RU", "ru-RU", "ru-ua"])("gives Russian for %s", (code) => {
    expect(pickLanguage(code)).toBe("ru");
  });

  it.each(["en", "uk", "be", "pt-br", "", null, undefined])("gives English for %s", (code) => {
    expect(pickLanguage(code)).toBe("en");
  });
});
