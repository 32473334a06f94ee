import type { Takeaways } from '../model';
import { takeawaysConfig, type TakeawaysConfig } from './config';
import { findExplicitList, maskList } from './explicit';
import { extractiveTakeaways } from './extractive';
import { extractQuotes } from './quotes';

/**
 * Key takeaways of an article: its own list when it has one (method "explicit", explicit.ts),
 * otherwise 3–5 of its sentences (method "extractive", extractive.ts), plus its direct
 * quotations with their speakers (quotes.ts). The list never feeds extraction or quotes, and
 * every offset points into `text`.
 *
 * `terms` are the regional terms the relevance step matched (RelevanceMatch.text): sentences
 * that name them rank higher. Pure and deterministic: the same input gives the same output.
 *
 * @example extractTakeaways({ title, text: article.content, terms: ['Kosovo'] }).items.map((t) => t.text)
 */
export interface TakeawaysInput {
  readonly title?: string;
  readonly text: string;
  readonly terms?: readonly string[];
}

export function extractTakeaways(input: TakeawaysInput, config: TakeawaysConfig = takeawaysConfig): Takeaways {
  const explicit = findExplicitList(input.text, config);
  const text = explicit ? maskList(input.text, explicit) : input.text;
  const quotes = extractQuotes(text, config);
  if (explicit) return { method: 'explicit', items: explicit.items, quotes };
  return { method: 'extractive', items: extractiveTakeaways({ title: input.title, text, terms: input.terms }, config), quotes };
}
