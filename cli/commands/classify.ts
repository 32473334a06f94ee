import { BadInputError } from '../../functions/core/errors';
import { classifyBounded } from '../../functions/core/pipeline';
import { htmlToText, looksLikeHtml } from '../../functions/core/html-text';
import { readJsonLines, writeJson, type Io } from '../io';

/** The text fields a line may carry; each must be a string (or null, read as absent). */
const TEXT_FIELDS = ['title', 'summary', 'content', 'link'] as const;

/**
 * Check one input line's fields: `id` a string or number (or absent/null), the text fields strings
 * (or absent/null). Throws a BadInputError naming the line, the field and the value received.
 */
function checkFields(value: Record<string, unknown>, line: number): void {
  const id = value['id'];
  if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') {
    throw new BadInputError(`line ${line}: "id" must be a string or a number (got ${JSON.stringify(id)})`, { value: JSON.stringify(id) });
  }
  for (const key of TEXT_FIELDS) {
    const v = value[key];
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw new BadInputError(`line ${line}: "${key}" must be a string (got ${JSON.stringify(v)})`, { value: JSON.stringify(v) });
    }
  }
}

/**
 * `wbnews classify`: JSON lines with any of id, title, summary, content, link on stdin; one
 * line per input on stdout, same order: {id, relevant, score, countries, matched, tags}.
 * A line that is not a JSON object, or whose fields have the wrong type, yields
 * {id, error: {code: "bad_input", message}} (id when it could be read, else null) and the run goes on.
 */
export async function classifyCommand(_argv: string[], io: Io): Promise<number> {
  let bad = 0;
  for await (const { line, value, error } of readJsonLines(io.stdin)) {
    if (!value) {
      bad++;
      writeJson(io, { id: null, error: { code: 'bad_input', message: error } });
      continue;
    }
    try {
      checkFields(value, line);
    } catch (err) {
      bad++;
      const id = value['id'];
      writeJson(io, { id: typeof id === 'string' || typeof id === 'number' ? id : null, error: (err as BadInputError).toJSON() });
      continue;
    }
    const text = (key: 'title' | 'summary' | 'content'): string | undefined => {
      const v = value[key];
      return typeof v === 'string' ? (looksLikeHtml(v) ? htmlToText(v) : v) : undefined;
    };
    const result = classifyBounded({ title: text('title'), summary: text('summary'), content: text('content') });
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
