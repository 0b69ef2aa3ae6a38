import { describe, expect, it } from "vitest";
import { checkScriptMix } from "./scripts";

describe("checkScriptMix", () => {
  it.each([
    ["Latin", "Alice"],
    ["Latin with digits, emoji and punctuation", "José 😀 42!"],
    ["Cyrillic alone, even with letters that look Latin", "Сара"],
    ["Greek alone", "Ολγα"],
    ["Han alone", "山田太郎"],
    ["Han with hiragana (Japanese)", "山田はなこ"],
    ["katakana with its prolonged sound mark", "ラーメン"],
    ["Latin with Han (highly restrictive)", "Ana 山田"],
    ["Latin with Hangul (highly restrictive)", "Kim 민수"],
    ["Han with Bopomofo", "中文ㄅㄆ"],
    ["Latin with Devanagari (moderately restrictive)", "Amit अमित"],
    ["Latin with Arabic (moderately restrictive)", "Ana علي"],
    ["a script outside the recommended ones, alone", "ᐃᓄᒃᑎᑐᑦ"],
    ["fullwidth Latin", "Ｄａｎ"],
    ["only digits and symbols", "42 ★"],
    ["Latin with a combining accent (Inherited)", "Jose\u0301"],
  ])("lets %s pass", (_case, text) => {
    expect(checkScriptMix(text)).toEqual({ ok: true });
  });

  it.each([
    ["a Cyrillic А among Latin letters", "Аlice", ["Cyrillic", "Latin"]],
    ["a Cyrillic е at the end", "Alicе", ["Latin", "Cyrillic"]],
    ["a Greek Ρ among Latin letters", "Ρaul", ["Greek", "Latin"]],
    ["a Cherokee Ꭺ among Latin letters", "Ꭺlice", ["other", "Latin"]],
    ["Latin and Cyrillic words side by side", "Ivan Иван", ["Latin", "Cyrillic"]],
    ["hiragana with Hangul", "やまだ 김", ["Hiragana", "Hangul"]],
    ["Latin with two other scripts", "Amit अमित علي", ["Latin", "Devanagari", "Arabic"]],
  ])("refuses %s, naming the scripts", (_case, text, scripts) => {
    expect(checkScriptMix(text)).toEqual({ ok: false, scripts });
  });
});
