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
// Plain ASCII text folds by lower-casing alone and keeps every position.
const ASCII_ONLY = /^[\p{ASCII}]*$/u;
const cache = new Map<string, string>();

/** Fold one code point (given as a string). Cached: the set of distinct characters is small. */
function foldChar(ch: string): string {
  const hit = cache.get(ch);
  if (hit !== undefined) return hit;
  let out = '';
  for (const c of ch.normalize('NFKC').toLowerCase()) {
    const mapped = CYRILLIC[c] ?? SPECIAL[c];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    // Strip the marks, then map what is left: "ǣ" decomposes to "æ" + macron, and must end as "ae"
    // like "æ" itself does, or folding would not be idempotent.
    for (const base of c.normalize('NFD').replace(COMBINING, '')) out += CYRILLIC[base] ?? SPECIAL[base] ?? base;
  }
  if (cache.size < 8192) cache.set(ch, out);
  return out;
}

/** Per BMP code unit: 0 not yet known, MULTI when the fold is not one unit, else the folded unit. */
const FOLD_TABLE = new Uint16Array(0x10000);
const MULTI = 0xffff;
let buffer = new Uint16Array(1024);
let mapBuffer = new Uint32Array(1025);

function foldedUnit(code: number): number {
  let f = FOLD_TABLE[code] as number;
  if (f === 0) {
    const folded = foldChar(String.fromCharCode(code));
    f = folded.length === 1 ? folded.charCodeAt(0) : MULTI;
    if (f === 0) f = MULTI;
    FOLD_TABLE[code] = f;
  }
  return f;
}

function toString(units: Uint16Array, n: number): string {
  let out = '';
  for (let i = 0; i < n; i += 4096) out += String.fromCharCode.apply(null, units.subarray(i, Math.min(n, i + 4096)) as unknown as number[]);
  return out;
}

/** Fold `text` (not plain ASCII) into the shared buffers; returns the folded length. */
function foldUnits(text: string, withMap: boolean): number {
  const len = text.length;
  if (buffer.length < len * 3 + 4) buffer = new Uint16Array(len * 3 + 4);
  if (withMap && mapBuffer.length < len * 3 + 5) mapBuffer = new Uint32Array(len * 3 + 5);
  let n = 0;
  for (let i = 0; i < len; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      if (withMap) mapBuffer[n] = i;
      buffer[n++] = code >= 0x41 && code <= 0x5a ? code + 32 : code;
      continue;
    }
    let f = code >= 0xd800 && code <= 0xdfff ? MULTI : foldedUnit(code);
    if (f !== MULTI) {
      if (withMap) mapBuffer[n] = i;
      buffer[n++] = f;
      continue;
    }
    // Several units (đ → dj), none (combining marks), or a surrogate pair: fold as a string.
    const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < len ? text.charCodeAt(i + 1) : -1;
    const ch = pair >= 0xdc00 && pair <= 0xdfff ? text.slice(i, i + 2) : text[i] as string;
    const folded = foldChar(ch);
    for (let k = 0; k < folded.length; k++) {
      if (withMap) mapBuffer[n] = i;
      f = folded.charCodeAt(k);
      buffer[n++] = f;
    }
    i += ch.length - 1;
  }
  if (withMap) mapBuffer[n] = len;
  return n;
}

/** Fold a text for comparison: NFKC, lower case, Cyrillic → Latin, diacritics removed. */
export function fold(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toLowerCase();
  // foldUnits may grow (replace) the shared buffer: read it only after the call.
  const n = foldUnits(text, false);
  return toString(buffer, n);
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
  const n = foldUnits(text, true);
  return { text: toString(buffer, n), map: mapBuffer.slice(0, n + 1) };
}

/** The original index of folded position i (see FoldedText.map). */
export function originalIndex(folded: FoldedText, i: number): number {
  return folded.map ? (folded.map[i] ?? folded.map[folded.map.length - 1] ?? i) : i;
}

/** Per UTF-16 code unit: 0 not yet known, 1 word character, 2 not a word character. */
const WORD_TABLE = new Uint8Array(0x10000);
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/** Whether a UTF-16 code unit of folded text is part of a word (letter, digit or mark). */
export function isWordCode(code: number): boolean {
  if (code < 0x80) {
    return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a);
  }
  let known = WORD_TABLE[code];
  if (known === 0) {
    // Surrogate halves belong to letters outside the BMP (rare in news): count them as word parts.
    known = (code >= 0xd800 && code <= 0xdfff) || WORD_CHAR.test(String.fromCharCode(code)) ? 1 : 2;
    WORD_TABLE[code] = known;
  }
  return known === 1;
}
