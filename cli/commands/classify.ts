import { classify } from '../../functions/core/relevance/classify';
import { htmlToText, looksLikeHtml } from '../../functions/core/html-text';
import { optionalString, readJsonLines, writeJson, type Io } from '../io';

/**
 * `wbnews classify`: JSON lines with any of id, title, summary, content, link on stdin; one
 * line per input on stdout, same order: {id, relevant, score, countries, matched}.
 * A line that is not a JSON object yields {id: null, error} and the run goes on.
 */
export async function classifyCommand(_argv: string[], io: Io): Promise<number> {
  let bad = 0;
  for await (const { value, error } of readJsonLines(io.stdin)) {
    if (!value) {
      bad++;
      writeJson(io, { id: null, error: { code: 'bad_input', message: error } });
      continue;
    }
    const text = (key: string): string | undefined => {
      const v = optionalString(value, key);
      return v && looksLikeHtml(v) ? htmlToText(v) : v;
    };
    const result = classify({ title: text('title'), summary: text('summary'), content: text('content') });
    writeJson(io, {
      id: value['id'] ?? null,
      relevant: result.relevant,
      score: result.score,
      countries: result.countries,
      matched: result.matched,
      tags: result.tags,
    });
  }
  if (bad > 0) io.stderr.write(`${bad} bad input line(s)\n`);
  return 0;
}
