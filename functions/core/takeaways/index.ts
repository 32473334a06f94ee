import config from '../../../data/takeaways.json' with { type: 'json' };
import type { Takeaways } from '../model';
import { findExplicitList } from './explicit';
import { splitSentences, MAX_SENTENCE_CHARS } from './sentences';

/**
 * Key takeaways of an article: its own list when it has one (method "explicit"), otherwise its
 * leading sentences (method "extractive"). Offsets point into `text`.
 *
 * @example extractTakeaways({ title, text: article.content }).items.map((t) => t.text)
 */
export function extractTakeaways(input: { title?: string; text: string }): Takeaways {
  const explicit = findExplicitList(input.text);
  if (explicit) return { method: 'explicit', items: explicit.items };

  const candidates = splitSentences(input.text).filter(
    (s) => s.text.length >= 40 && s.text.length <= MAX_SENTENCE_CHARS && /[.!"”’]$/.test(s.text) && !s.text.startsWith('\u2022'),
  );
  return {
    method: 'extractive',
    items: candidates.slice(0, config.leadSentences).map((s) => ({ text: s.text, start: s.start, end: s.end })),
  };
}
