import type { Takeaway } from '../model';
import { takeawaysConfig, type TakeawaysConfig } from './config';
import type { TakeawaysWork } from './index';
import { splitSentences, type Sentence } from './sentences';
import { foldedWords } from './words';

/**
 * Extractive takeaways: the 3–5 sentences that best stand for the article, in document order.
 *
 * 1. Sentences (sentences.ts) become candidates when they read on their own: a bounded length,
 *    a capital (or quote) at the start and a full stop at the end, no question, no boilerplate
 *    ("See also…", "Photo:", "Click here"), no caption label ("New venture: …"), no unbalanced
 *    quotation, and no opening that leans on the previous sentence ("He added that…", "But…").
 * 2. Each sentence is scored on centrality (PageRank over a TextRank-style word-overlap graph of
 *    all sentences), position (news leads first: halves every `positionHalfLife` sentences),
 *    overlap with the title, the regional terms the relevance step found, a penalty for straying
 *    far from a readable length, and one for text that is mostly a quotation.
 * 3. Maximal marginal relevance picks them one by one, trading score against similarity to
 *    those already picked, so no two takeaways say the same thing. A sentence that opens with a
 *    pronoun ("His talks…") is penalised unless the sentence before it is already picked.
 * Deterministic: ties go to the earlier sentence. Words are compared folded (any script) and
 * truncated to `stemChars`, a crude stem that serves inflected Slavic words and English alike.
 */

export interface ExtractiveInput {
  readonly title?: string;
  readonly text: string;
  /** Regional terms found by the relevance step (RelevanceMatch.text or .term). */
  readonly terms?: readonly string[];
}

interface Scored {
  readonly sentence: Sentence;
  readonly index: number;
  readonly words: number;
  /** The folded words joined by single spaces, with a space at either end. */
  readonly joined: string;
  readonly tokens: readonly string[];
  readonly bag: ReadonlyMap<string, number>;
  readonly norm: number;
  readonly candidate: 'strict' | 'relaxed' | null;
  readonly pronoun: boolean;
}

const TERMINAL = /[.!…]["'”’»)\]]*$|["”»]$/u;
const STARTS_WELL = /^["'“‘«„(]?[\p{Lu}\p{N}]/u;

const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const wordCount = (text: string): number => (text.match(WORD) ?? []).length;

/** Content words of a text (folded words without stop words, cut to `stemChars`). */
export function contentTokens(text: string, config: TakeawaysConfig = takeawaysConfig): string[] {
  return stems(foldedWords(text), config);
}

function stems(words: readonly string[], config: TakeawaysConfig): string[] {
  const { stopwords, stemChars } = config.extractive;
  const out: string[] = [];
  for (const word of words) {
    if (word.length < 2 || stopwords.has(word)) continue;
    out.push(word.length > stemChars ? word.slice(0, stemChars) : word);
  }
  return out;
}

/** False for a piece of a longer quotation: an odd number of quote marks of a kind. */
function balancedQuotes(text: string): boolean {
  const count = (re: RegExp): number => (text.match(re) ?? []).length;
  // “ opens in English and closes „ in the region's typography: the three marks pair up either way.
  return count(/"/g) % 2 === 0 && count(/[“”„]/g) % 2 === 0 && count(/«/g) === count(/»/g);
}

// English first person outside quotation marks: a quotation that lost its marks. Case-sensitive,
// so the Serbian conjunction "i" and the country code "US" do not count.
const FIRST_PERSON = /(?:^|[^\p{L}'’])(?:I|I['’](?:m|ve|d|ll)|[Mm]y|[Ww]e|[Oo]ur)(?![\p{L}'’])/u;
const QUOTED = /["“„«][^"”“»]*["”“»]/gu;

function unquoted(text: string): string {
  return text.replace(QUOTED, ' ');
}

/** The share of the sentence's characters that sit inside double quotation marks. */
function quotedShare(text: string): number {
  let inside = 0;
  for (const m of text.matchAll(QUOTED)) inside += m[0].length;
  return inside / Math.max(1, text.length);
}

/** Whether the folded words (" a b c ") start with one of the phrases. */
function startsWithAny(joined: string, phrases: readonly string[]): boolean {
  for (const p of phrases) {
    if (joined.startsWith(p, 1) && joined.charAt(p.length + 1) === ' ') return true;
  }
  return false;
}

function classifyCandidate(s: Sentence, all: readonly string[], joined: string, config: TakeawaysConfig): { kind: Scored['candidate']; pronoun: boolean } {
  const x = config.extractive;
  const text = s.text;
  const words = all.length;
  const pronoun = x.pronounStarts.has(all[0] ?? '') && !startsWithAny(joined, x.pronounStartExceptions);
  const sentenceLike = STARTS_WELL.test(text) && TERMINAL.test(text) && !/\?["'”’»)]*$/u.test(text) && !/^[•·▪●◦‣►*–—-]\s/u.test(text);
  const bounded = words >= x.minWords && words <= x.maxWords && text.length <= x.maxChars;
  if (!sentenceLike || !bounded || x.skip.some((re) => re.test(text))) return { kind: null, pronoun };
  const strict =
    balancedQuotes(text) &&
    !x.danglingEnds.has(all[all.length - 1] ?? '') &&
    !startsWithAny(joined, x.dependentStarts);
  return { kind: strict ? 'strict' : 'relaxed', pronoun };
}

/** How many takeaways an article of this many words gets. */
export function itemCount(words: number, config: TakeawaysConfig = takeawaysConfig): number {
  const x = config.extractive;
  for (const step of x.itemsByWords) if (words < step.belowWords) return step.items;
  return x.maxItems;
}

function cosine(a: Scored, b: Scored): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  const [small, large] = a.bag.size <= b.bag.size ? [a.bag, b.bag] : [b.bag, a.bag];
  let dot = 0;
  for (const [t, n] of small) dot += n * (large.get(t) ?? 0);
  return dot / (a.norm * b.norm);
}

function pageRank(nodes: readonly Scored[], damping: number, iterations: number, work?: TakeawaysWork): Float64Array {
  const n = nodes.length;
  // Shared words per pair through an inverted index: O(sum of postings²) instead of n² bags.
  // The pair matrix is n², which is why only the first limits.maxRankedSentences sentences
  // are ranked: at 200 it is 40,000 numbers (320 KB), whatever the length of the text.
  const postings = new Map<string, number[]>();
  nodes.forEach((node, i) => {
    if (node.tokens.length < 2) return;
    for (const t of node.bag.keys()) {
      const list = postings.get(t);
      if (list) list.push(i);
      else postings.set(t, [i]);
    }
  });
  const shared = new Float64Array(n * n);
  let pairs = 0;
  for (const list of postings.values()) {
    pairs += (list.length * (list.length - 1)) / 2;
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        const k = (list[a] as number) * n + (list[b] as number);
        shared[k] = (shared[k] ?? 0) + 1;
      }
    }
  }
  if (work) work.pairs += pairs;
  const logLen = nodes.map((node) => Math.log(Math.max(1, node.tokens.length)));
  // Sparse, symmetric edges: neighbours[j] lists (i, weight) pairs.
  const neighbours: { i: number; w: number }[][] = Array.from({ length: n }, () => []);
  const outSum = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const common = shared[i * n + j] ?? 0;
      if (common === 0) continue;
      // TextRank similarity: shared words over the log of the lengths.
      const w = common / ((logLen[i] ?? 0) + (logLen[j] ?? 0));
      neighbours[i]?.push({ i: j, w });
      neighbours[j]?.push({ i, w });
      outSum[i] = (outSum[i] ?? 0) + w;
      outSum[j] = (outSum[j] ?? 0) + w;
    }
  }
  let rank = new Float64Array(n).fill(1 / Math.max(1, n));
  for (let it = 0; it < iterations; it++) {
    const next = new Float64Array(n).fill((1 - damping) / n);
    for (let j = 0; j < n; j++) {
      const out = outSum[j] ?? 0;
      if (out === 0) continue;
      const share = (damping * (rank[j] ?? 0)) / out;
      for (const e of neighbours[j] ?? []) next[e.i] = (next[e.i] ?? 0) + e.w * share;
    }
    rank = next;
  }
  return rank;
}

function bagOf(tokens: readonly string[]): { bag: Map<string, number>; norm: number } {
  const bag = new Map<string, number>();
  for (const t of tokens) bag.set(t, (bag.get(t) ?? 0) + 1);
  let sq = 0;
  for (const n of bag.values()) sq += n * n;
  return { bag, norm: Math.sqrt(sq) };
}

/**
 * The extractive takeaways of a text, in document order, with offsets into `text`.
 *
 * @example extractiveTakeaways({ title, text: article.content, terms: ['Kosovo'] }).map((t) => t.text)
 */
export function extractiveTakeaways(input: ExtractiveInput, config: TakeawaysConfig = takeawaysConfig, work?: TakeawaysWork, split?: readonly Sentence[]): Takeaway[] {
  const x = config.extractive;
  const sentences = split ?? splitSentences(input.text, config);
  if (work) work.sentences = sentences.length;
  if (sentences.length === 0) return [];

  // The article's length sets how many takeaways it gets; only its first sentences are ranked.
  let totalWords = 0;
  for (const s of sentences.slice(config.limits.maxRankedSentences)) totalWords += wordCount(s.text);
  const ranked = sentences.slice(0, config.limits.maxRankedSentences);
  if (work) work.ranked = ranked.length;
  const nodes: Scored[] = ranked.map((sentence, index) => {
    const all = foldedWords(sentence.text);
    const words = all.length;
    totalWords += words;
    const tokens = stems(all, config);
    const { bag, norm } = bagOf(tokens);
    const joined = ` ${all.join(' ')} `;
    const { kind, pronoun } = classifyCandidate(sentence, all, joined, config);
    return { sentence, index, words, joined, tokens, bag, norm, candidate: kind, pronoun };
  });

  const want = itemCount(totalWords, config);
  const strict = nodes.filter((n) => n.candidate === 'strict');
  const pool = strict.length >= Math.min(want, x.minItems) ? strict : nodes.filter((n) => n.candidate !== null);
  if (pool.length === 0) return [];

  const rank = pageRank(nodes, x.damping, x.iterations, work);
  let maxRank = 0;
  for (const n of pool) maxRank = Math.max(maxRank, rank[n.index] ?? 0);

  const titleTokens = new Set(contentTokens(input.title ?? '', config));
  const terms = [...new Set((input.terms ?? []).map((t) => foldedWords(t).join(' ')).filter((t) => t.length >= 2))].map((t) => ` ${t} `);

  const score = new Map<Scored, number>();
  for (const n of pool) {
    const centrality = maxRank > 0 ? (rank[n.index] ?? 0) / maxRank : 0;
    const position = 0.5 ** (n.index / x.positionHalfLife);
    let titleHits = 0;
    if (titleTokens.size > 0) for (const t of n.bag.keys()) if (titleTokens.has(t)) titleHits++;
    const title = titleTokens.size > 0 ? titleHits / titleTokens.size : 0;
    let termHits = 0;
    for (const t of terms) if (n.joined.includes(t)) termHits++;
    const length = Math.abs(Math.log(n.words / x.idealWords));
    const quoted = quotedShare(n.sentence.text);
    const firstPerson = FIRST_PERSON.test(unquoted(n.sentence.text)) ? 1 : 0;
    score.set(
      n,
      x.weights.centrality * centrality +
        x.weights.position * position +
        x.weights.title * title +
        x.weights.terms * Math.min(1, termHits / 2) -
        x.lengthPenalty * length -
        x.weights.quoted * quoted -
        x.weights.firstPerson * firstPerson,
    );
  }

  // Scores on a 0..1 scale, so that redundancy (a cosine) weighs the same in every article.
  let top = 0;
  for (const v of score.values()) top = Math.max(top, v);
  let bottom = top;
  for (const v of score.values()) bottom = Math.min(bottom, v);
  const span = top - bottom || 1;

  const picked: Scored[] = [];
  const left = [...pool];
  while (picked.length < want && left.length > 0) {
    let best = -1;
    let bestValue = -Infinity;
    let bestOrphan = true;
    left.forEach((n, i) => {
      let redundancy = 0;
      for (const p of picked) redundancy = Math.max(redundancy, cosine(n, p));
      if (redundancy >= x.duplicateCosine) return;
      // A pronoun or demonstrative opening ("He said…", "These images…") reads well right after
      // the sentence it leans on, not on its own: such an orphan is picked only when no other
      // sentence is left.
      const orphan = n.pronoun && !picked.some((p) => p.index === n.index - 1);
      const value = x.mmrLambda * (((score.get(n) ?? 0) - bottom) / span - (orphan ? x.weights.pronounStart : 0)) - (1 - x.mmrLambda) * redundancy;
      if ((bestOrphan && !orphan) || (orphan === bestOrphan && value > bestValue)) {
        bestValue = value;
        best = i;
        bestOrphan = orphan;
      }
    });
    if (best < 0) break; // everything left repeats what is picked
    const [chosen] = left.splice(best, 1);
    if (chosen) picked.push(chosen);
  }
  return picked
    .sort((a, b) => a.index - b.index)
    .map(({ sentence }) => ({ text: sentence.text, start: sentence.start, end: sentence.end }));
}
