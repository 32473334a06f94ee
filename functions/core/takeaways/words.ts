import { fold } from '../text-fold';

/**
 * Words of a text, folded (text-fold.ts), with a bounded cache: news text repeats its words,
 * and folding word by word from the cache is several times faster than folding whole sentences.
 */

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const cache = new Map<string, string>();
const MAX_CACHE = 50_000;

export function foldWord(word: string): string {
  let folded = cache.get(word);
  if (folded === undefined) {
    folded = fold(word);
    if (cache.size >= MAX_CACHE) cache.clear();
    cache.set(word, folded);
  }
  return folded;
}

/** The folded words of `text`, in order. */
export function foldedWords(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(WORD)) out.push(foldWord(m[0]));
  return out;
}
