/**
 * Text folding shared by every stage that compares words: Unicode NFKC, case folding,
 * Serbian/Macedonian (and Russian/Bulgarian) Cyrillic transliterated to Latin, and diacritics
 * removed (č→c, ë→e, đ→dj). One term list then serves every script:
 * "Србија", "Srbija" and "SRBIJA" all fold to "srbija".
 *
 * `foldWithMap` also returns, for each folded character, the index of the original character
 * it came from, so a match in folded text can be shown as it was written.
 *
 * @example fold('Приштина и Kosovë') // "pristina i kosove"
 */

const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', ђ: 'dj', е: 'e', ё: 'e', ж: 'z', з: 'z', и: 'i', й: 'j',
  ј: 'j', к: 'k', л: 'l', љ: 'lj', м: 'm', н: 'n', њ: 'nj', о: 'o', п: 'p', р: 'r', с: 's', т: 't',
  ћ: 'c', у: 'u', ф: 'f', х: 'h', ц: 'c', ч: 'c', џ: 'dz', ш: 's', щ: 'sc', ъ: '', ы: 'y', ь: '',
  э: 'e', ю: 'ju', я: 'ja', ѓ: 'gj', ѕ: 'dz', ќ: 'kj', і: 'i', ї: 'ji', є: 'je', ґ: 'g', ў: 'u',
};

const SPECIAL: Record<string, string> = {
  đ: 'dj', ð: 'd', ł: 'l', ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', ı: 'i', þ: 'th', ŀ: 'l', ħ: 'h',
  '\u2019': "'", '\u2018': "'", '\u02bc': "'", '\u00b4': "'", '`': "'",
};

const COMBINING = /[\u0300-\u036f]/g;
const cache = new Map<string, string>();

function foldChar(ch: string): string {
  const hit = cache.get(ch);
  if (hit !== undefined) return hit;
  let out = '';
  for (const c of ch.normalize('NFKC').toLowerCase()) {
    const mapped = CYRILLIC[c] ?? SPECIAL[c];
    out += mapped ?? c.normalize('NFD').replace(COMBINING, '');
  }
  if (cache.size < 4096) cache.set(ch, out);
  return out;
}

export function fold(text: string): string {
  let out = '';
  for (const ch of text) out += ch.charCodeAt(0) < 0x80 ? ch.toLowerCase() : foldChar(ch);
  return out;
}

export interface FoldedText {
  readonly text: string;
  /** map[i] = index in the original string of the character that produced folded char i. */
  readonly map: Uint32Array;
}

export function foldWithMap(text: string): FoldedText {
  let out = '';
  const map: number[] = [];
  let index = 0;
  for (const ch of text) {
    const folded = ch.charCodeAt(0) < 0x80 ? ch.toLowerCase() : foldChar(ch);
    out += folded;
    for (let k = 0; k < folded.length; k++) map.push(index);
    index += ch.length;
  }
  map.push(index);
  return { text: out, map: Uint32Array.from(map) };
}
