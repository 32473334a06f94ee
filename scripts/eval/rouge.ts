import { fold } from '../../functions/core/text-fold';

/**
 * ROUGE-1, ROUGE-2 and ROUGE-L F1 (Lin 2004), written for the takeaways evaluation.
 *
 * Tokens: text folded (lower case, diacritics removed, Cyrillic transliterated), split into runs
 * of letters and digits; no stemming, no stop-word removal. The system's items are joined into
 * one sequence, and so are the reference's. ROUGE-N counts clipped n-gram matches; ROUGE-L uses
 * the longest common subsequence of the two sequences (the "rougeL" of Google's rouge-score).
 * F1 is the harmonic mean of precision and recall; 0 when either side is empty.
 */

export interface RougeScores {
  readonly rouge1: number;
  readonly rouge2: number;
  readonly rougeL: number;
}

export function rougeTokens(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

function f1(matches: number, candidate: number, reference: number): number {
  if (matches === 0 || candidate === 0 || reference === 0) return 0;
  const p = matches / candidate;
  const r = matches / reference;
  return (2 * p * r) / (p + r);
}

function ngrams(tokens: readonly string[], n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(' ');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

export function rougeN(candidate: readonly string[], reference: readonly string[], n: number): number {
  const c = ngrams(candidate, n);
  const r = ngrams(reference, n);
  let matches = 0;
  for (const [gram, count] of c) matches += Math.min(count, r.get(gram) ?? 0);
  return f1(matches, Math.max(0, candidate.length - n + 1), Math.max(0, reference.length - n + 1));
}

export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Uint32Array(b.length + 1);
  let row = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      row[j] = a[i - 1] === b[j - 1] ? (prev[j - 1] ?? 0) + 1 : Math.max(prev[j] ?? 0, row[j - 1] ?? 0);
    }
    [prev, row] = [row, prev];
  }
  return prev[b.length] ?? 0;
}

export function rougeL(candidate: readonly string[], reference: readonly string[]): number {
  return f1(lcsLength(candidate, reference), candidate.length, reference.length);
}

/** ROUGE F1 of a list of extracted items against a list of reference items. */
export function rouge(candidateItems: readonly string[], referenceItems: readonly string[]): RougeScores {
  const c = rougeTokens(candidateItems.join('\n'));
  const r = rougeTokens(referenceItems.join('\n'));
  return { rouge1: rougeN(c, r, 1), rouge2: rougeN(c, r, 2), rougeL: rougeL(c, r) };
}
