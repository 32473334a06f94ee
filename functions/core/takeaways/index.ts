import type { Takeaways } from '../model';
import { takeawaysConfig, type TakeawaysConfig } from './config';
import { findExplicitList, maskList } from './explicit';
import { extractiveTakeaways } from './extractive';
import { extractQuotes } from './quotes';
import { splitSentences } from './sentences';

/**
 * Key takeaways of an article: its own list when it has one (method "explicit", explicit.ts),
 * otherwise 3–5 of its sentences (method "extractive", extractive.ts), plus its direct
 * quotations with their speakers (quotes.ts). The list never feeds extraction or quotes, and
 * every offset points into `text`.
 *
 * `terms` are the regional terms the relevance step matched (RelevanceMatch.text): sentences
 * that name them rank higher. Pure and deterministic: the same input gives the same output.
 *
 * Bounded: only the first `limits.maxChars` characters are read (boundedPrefix), and only the
 * first `limits.maxRankedSentences` sentences are ranked, so a 1 MB transcript costs about what
 * a long article does. Pass a `work` object to see how much was done.
 *
 * @example extractTakeaways({ title, text: article.content, terms: ['Kosovo'] }).items.map((t) => t.text)
 */
export interface TakeawaysInput {
  readonly title?: string;
  readonly text: string;
  readonly terms?: readonly string[];
}

/** What one call did (filled in when passed): the measure of its cost, for tests and benches. */
export interface TakeawaysWork {
  /** Characters of the text read (at most limits.maxChars). */
  chars: number;
  /** Sentences the extractive step split the text into. */
  sentences: number;
  /** Sentences ranked (graph nodes; at most limits.maxRankedSentences). */
  ranked: number;
  /** Shared-word pairs counted while building the graph (bounded by ranked² × distinct words). */
  pairs: number;
}

export function newTakeawaysWork(): TakeawaysWork {
  return { chars: 0, sentences: 0, ranked: 0, pairs: 0 };
}

/**
 * The first `maxChars` characters of `text`, cut at the last line break in the second half of
 * that window, else at the last white space, so no word is cut in two. A prefix, so offsets
 * into it are offsets into `text`.
 */
export function boundedPrefix(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const window = text.slice(0, maxChars);
  const line = window.lastIndexOf('\n');
  if (line >= maxChars / 2) return window.slice(0, line);
  const space = window.search(/\s\S*$/u);
  return space > 0 ? window.slice(0, space) : window;
}

export function extractTakeaways(input: TakeawaysInput, config: TakeawaysConfig = takeawaysConfig, work?: TakeawaysWork): Takeaways {
  const bounded = boundedPrefix(input.text, config.limits.maxChars);
  if (work) work.chars = bounded.length;
  const explicit = findExplicitList(bounded, config);
  const text = explicit ? maskList(bounded, explicit) : bounded;
  // One split serves quotes and extraction.
  const sentences = splitSentences(text, config);
  const quotes = extractQuotes(text, config, sentences);
  if (explicit) return { method: 'explicit', items: explicit.items, quotes };
  return { method: 'extractive', items: extractiveTakeaways({ title: input.title, text, terms: input.terms }, config, work, sentences), quotes };
}
