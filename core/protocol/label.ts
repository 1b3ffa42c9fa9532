/**
 * Ids and labels on the wire (node, bed, patient, ward) in one canonical form, so that labels a
 * person cannot tell apart name the same thing, and labels built to look like another are refused.
 * docs/protocol.md ("Ids and labels") states the rule.
 */

export const MAX_LABEL_LENGTH = 64;

const ALLOWED = /^[\p{L}\p{N} ._:/#-]+$/u;
const ALPHANUMERIC = /[\p{L}\p{N}]/u;

/** Scripts told apart; a letter of any other script counts as "Other". */
const SCRIPTS = [
  "Latin",
  "Greek",
  "Cyrillic",
  "Armenian",
  "Georgian",
  "Hebrew",
  "Arabic",
  "Syriac",
  "Thaana",
  "Devanagari",
  "Bengali",
  "Gurmukhi",
  "Gujarati",
  "Oriya",
  "Tamil",
  "Telugu",
  "Kannada",
  "Malayalam",
  "Sinhala",
  "Thai",
  "Lao",
  "Tibetan",
  "Myanmar",
  "Khmer",
  "Mongolian",
  "Ethiopic",
  "Cherokee",
  "Hangul",
  "Hiragana",
  "Katakana",
  "Bopomofo",
  "Han",
] as const;
const SCRIPT_TESTS = SCRIPTS.map((name) => ({ name, re: new RegExp(`^\\p{Script=${name}}$`, "u") }));
const NEUTRAL = /^[\p{Script=Common}\p{Script=Inherited}]$/u;

/**
 * Script combinations that are ordinary writing, after Unicode TS #39's "highly restrictive" level:
 * one script, or Latin with the scripts Chinese, Japanese and Korean are written in.
 */
const COMBINATIONS: readonly ReadonlySet<string>[] = [
  new Set(["Latin", "Han", "Hiragana", "Katakana"]),
  new Set(["Latin", "Han", "Bopomofo"]),
  new Set(["Latin", "Han", "Hangul"]),
];

function scriptOf(ch: string): string | undefined {
  if (NEUTRAL.test(ch)) return undefined;
  for (const s of SCRIPT_TESTS) if (s.re.test(ch)) return s.name;
  return "Other";
}

/** The scripts of a label's letters and digits, in order of first appearance (ASCII digits are neutral). */
export function labelScripts(label: string): string[] {
  const seen = new Set<string>();
  for (const ch of label) {
    if (!ALPHANUMERIC.test(ch)) continue;
    const s = scriptOf(ch);
    if (s !== undefined) seen.add(s);
  }
  return [...seen];
}

/**
 * Canonical form of a label: Unicode NFKC (full-width and compatibility forms become plain ones),
 * leading and trailing white space removed, inner runs of white space one space. Refused: empty,
 * longer than 64 characters, characters other than letters, digits, space and `. _ : / # -`, and
 * letters of more than one script unless the mix is Latin with Chinese, Japanese or Korean.
 */
export function normalizeLabel(raw: string): { label: string } | { error: string } {
  const label = raw.normalize("NFKC").trim().replace(/\s+/gu, " ");
  if (label.length === 0) return { error: "must not be empty" };
  if (label.length > MAX_LABEL_LENGTH) return { error: `longer than ${MAX_LABEL_LENGTH} characters` };
  if (!ALLOWED.test(label)) return { error: "letters, digits, space and . _ : / # - only" };
  const scripts = labelScripts(label);
  if (scripts.length > 1 && !COMBINATIONS.some((c) => scripts.every((s) => c.has(s)))) {
    return { error: `mixes ${scripts.join(" and ")} characters (look-alike labels are refused)` };
  }
  return { label };
}
