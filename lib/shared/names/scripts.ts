/**
 * Mixed-script detection after Unicode's UTS #39 (Unicode Security Mechanisms,
 * §5.1–5.2), on the Script_Extensions data of the JavaScript engine itself
 * (`\p{scx=…}`), so nothing here is a character table.
 *
 * A name passes when its restriction level is at most *Moderately
 * Restrictive*: all of one script (whatever script that is); or Latin with Han
 * and Japanese kana, Han and Bopomofo, or Han and Hangul (how Chinese,
 * Japanese and Korean are written); or Latin with one other Recommended
 * script other than Cyrillic and Greek, whose letters pass for Latin ones.
 * `Аlice` with a Cyrillic А is Latin + Cyrillic, and does not pass.
 */

/** UTS #31 Table 7's Recommended scripts, apart from Common and Inherited, which go with any script. */
const RECOMMENDED: ReadonlyMap<string, string> = new Map([
  ["Arab", "Arabic"],
  ["Armn", "Armenian"],
  ["Beng", "Bengali"],
  ["Bopo", "Bopomofo"],
  ["Cyrl", "Cyrillic"],
  ["Deva", "Devanagari"],
  ["Ethi", "Ethiopic"],
  ["Geor", "Georgian"],
  ["Grek", "Greek"],
  ["Gujr", "Gujarati"],
  ["Guru", "Gurmukhi"],
  ["Hang", "Hangul"],
  ["Hani", "Han"],
  ["Hebr", "Hebrew"],
  ["Hira", "Hiragana"],
  ["Kana", "Katakana"],
  ["Khmr", "Khmer"],
  ["Knda", "Kannada"],
  ["Laoo", "Lao"],
  ["Latn", "Latin"],
  ["Mlym", "Malayalam"],
  ["Mymr", "Myanmar"],
  ["Orya", "Odia"],
  ["Sinh", "Sinhala"],
  ["Taml", "Tamil"],
  ["Telu", "Telugu"],
  ["Thaa", "Thaana"],
  ["Thai", "Thai"],
  ["Tibt", "Tibetan"],
]);

/** Characters of any script outside that list: we cannot name it, only keep it apart. */
const OTHER = "Other";

const IN_SCRIPT = new Map(
  [...RECOMMENDED.keys()].map((code) => [code, new RegExp(`^\\p{scx=${code}}$`, "u")]),
);
const ANY_SCRIPT = /^[\p{scx=Zyyy}\p{scx=Zinh}]$/u;

/** UTS #39's augmentation: Han is also written as part of Japanese, Korean and Bopomofo-annotated Chinese. */
const AUGMENTED: Readonly<Record<string, readonly string[]>> = {
  Hani: ["Hanb", "Jpan", "Kore"],
  Hira: ["Jpan"],
  Kana: ["Jpan"],
  Hang: ["Kore"],
  Bopo: ["Hanb"],
};

/** The scripts a character belongs to (Script_Extensions, augmented), or null for Common and Inherited ones. */
function scriptsOf(char: string): Set<string> | null {
  if (ANY_SCRIPT.test(char)) return null;
  const scripts = new Set<string>();
  for (const [code, pattern] of IN_SCRIPT) {
    if (!pattern.test(char)) continue;
    scripts.add(code);
    for (const extra of AUGMENTED[code] ?? []) scripts.add(extra);
  }
  if (scripts.size === 0) scripts.add(OTHER);
  return scripts;
}

const HIGHLY_RESTRICTIVE_SETS: readonly (readonly string[])[] = [
  ["Latn", "Hani", "Hira", "Kana"],
  ["Latn", "Hani", "Bopo"],
  ["Latn", "Hani", "Hang"],
];
/** Scripts that may join Latin in one name: not Cyrillic or Greek, whose letters pass for Latin ones. */
const MODERATE_PARTNERS = [...RECOMMENDED.keys()].filter(
  (code) => !["Latn", "Cyrl", "Grek"].includes(code),
);

export type ScriptMix =
  | { ok: true }
  /** `scripts`: the English names of the scripts that were mixed, in order of appearance. */
  | { ok: false; scripts: string[] };

/** Whether the text's mix of scripts passes (see above), and which scripts it mixes when not. */
export function checkScriptMix(text: string): ScriptMix {
  const perChar: Set<string>[] = [];
  for (const char of text) {
    const scripts = scriptsOf(char);
    if (scripts) perChar.push(scripts);
  }
  const coveredBy = (allowed: readonly string[]) =>
    perChar.every((scripts) => allowed.some((code) => scripts.has(code)));

  const [first, ...rest] = perChar;
  const common = first ? [...first].filter((code) => rest.every((s) => s.has(code))) : [];
  const singleScript = perChar.length === 0 || common.length > 0;
  if (singleScript) return { ok: true };
  if (HIGHLY_RESTRICTIVE_SETS.some(coveredBy)) return { ok: true };
  if (MODERATE_PARTNERS.some((partner) => coveredBy(["Latn", partner]))) return { ok: true };

  const named = new Set<string>();
  for (const scripts of perChar) {
    const [code = OTHER] = [...scripts];
    named.add(RECOMMENDED.get(code) ?? "other");
  }
  return { ok: false, scripts: [...named] };
}
