/**
 * Text folding shared by every stage that compares words: Unicode NFKC, case folding,
 * Serbian/Macedonian (and Russian, Ukrainian, Bulgarian) Cyrillic transliterated to Latin,
 * Greek final sigma unified, and diacritics removed (č→c, ë→e, ș→s, đ→dj). One term list then
 * serves every script: "Србија", "Srbija" and "SRBIJA" all fold to "srbija"; "Ђоковић" and
 * "Đoković" both fold to "djokovic".
 *
 * `foldWithMap` also returns, for each folded character, the index of the original character
 * it came from, so a match in folded text can be shown as it was written.
 *
 * @example fold('Приштина и Kosovë') // "pristina i kosove"
 */

const CYRILLIC: Readonly<Record<string, string>> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', ђ: 'dj', е: 'e', ё: 'e', ж: 'z', з: 'z', и: 'i', й: 'j',
  ј: 'j', к: 'k', л: 'l', љ: 'lj', м: 'm', н: 'n', њ: 'nj', о: 'o', п: 'p', р: 'r', с: 's', т: 't',
  ћ: 'c', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'c', џ: 'dz', ш: 's', щ: 'sc', ъ: '', ы: 'y', ь: '',
  э: 'e', ю: 'ju', я: 'ja', ѓ: 'gj', ѕ: 'dz', ќ: 'kj', і: 'i', ї: 'ji', є: 'je', ґ: 'g', ў: 'u',
};

const SPECIAL: Readonly<Record<string, string>> = {
  đ: 'dj', ð: 'd', ł: 'l', ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', ı: 'i', þ: 'th', ŀ: 'l', ħ: 'h',
  // Greek final sigma folds with sigma, so one Greek form matches every position.
  ς: 'σ',
  '\u2019': "'", '\u2018': "'", '\u02bc': "'", '\u00b4': "'", '`': "'",
};

const COMBINING = /[\u0300-\u036f]/g;
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const cache = new Map<string, string>();

/** Fold one code point (given as a string). Cached: the set of distinct characters is small. */
function foldChar(ch: string): string {
  const hit = cache.get(ch);
  if (hit !== undefined) return hit;
  let out = '';
  for (const c of ch.normalize('NFKC').toLowerCase()) {
    const mapped = CYRILLIC[c] ?? SPECIAL[c];
    out += mapped ?? c.normalize('NFD').replace(COMBINING, '');
  }
  if (cache.size < 8192) cache.set(ch, out);
  return out;
}

/** Fold a text for comparison: NFKC, lower case, Cyrillic → Latin, diacritics removed. */
export function fold(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toLowerCase();
  let out = '';
  for (const ch of text) out += ch.charCodeAt(0) < 0x80 ? ch.toLowerCase() : foldChar(ch);
  return out;
}

export interface FoldedText {
  readonly text: string;
  /**
   * map[i] = index in the original string of the character that produced folded char i
   * (map[text.length] = original length). Null when the fold kept every position, as it does
   * for plain ASCII: then folded index i is original index i.
   */
  readonly map: Uint32Array | null;
}

/** Fold and keep the way back to the original positions (see FoldedText.map). */
export function foldWithMap(text: string): FoldedText {
  if (ASCII_ONLY.test(text)) return { text: text.toLowerCase(), map: null };
  let out = '';
  let map = new Uint32Array(text.length * 2 + 1);
  let n = 0;
  let index = 0;
  for (const ch of text) {
    const folded = ch.charCodeAt(0) < 0x80 ? ch.toLowerCase() : foldChar(ch);
    out += folded;
    if (n + folded.length + 1 > map.length) {
      const bigger = new Uint32Array(map.length * 2 + folded.length);
      bigger.set(map);
      map = bigger;
    }
    for (let k = 0; k < folded.length; k++) map[n++] = index;
    index += ch.length;
  }
  map[n] = index;
  return { text: out, map: map.subarray(0, n + 1) };
}

/** The original index of folded position i (see FoldedText.map). */
export function originalIndex(folded: FoldedText, i: number): number {
  return folded.map ? (folded.map[i] ?? folded.map[folded.map.length - 1] ?? i) : i;
}

const WORD_CACHE = new Map<number, boolean>();
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/** Whether a UTF-16 code unit of folded text is part of a word (letter, digit or mark). */
export function isWordCode(code: number): boolean {
  if (code < 0x80) {
    return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a);
  }
  // Surrogate halves belong to letters outside the BMP (rare in news): count them as word parts.
  if (code >= 0xd800 && code <= 0xdfff) return true;
  const hit = WORD_CACHE.get(code);
  if (hit !== undefined) return hit;
  const isWord = WORD_CHAR.test(String.fromCharCode(code));
  if (WORD_CACHE.size < 8192) WORD_CACHE.set(code, isWord);
  return isWord;
}
