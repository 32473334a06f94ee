import { parseArgs } from 'node:util';
import { removeBoilerplate } from '../../functions/core/boilerplate';
import { htmlToText } from '../../functions/core/html-text';
import { classify } from '../../functions/core/relevance/classify';
import { extractTakeaways } from '../../functions/core/takeaways/index';
import { optionalString, readJsonLines, writeJson, type Io } from '../io';

/**
 * `wbnews takeaways [--quotes]`: JSON lines {id, title, body} or {id, title, html} on stdin;
 * stdout gets {id, takeaways: [...], method} per line, same order, exactly as the pipeline
 * computes them (HTML converted and boilerplate removed as in normalization, the regional terms
 * found by relevance passed in). `--quotes` adds "quotes": [{text, speaker}]. A bad line
 * yields {id, error} and the run goes on.
 */
export async function takeawaysCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { quotes: { type: 'boolean', default: false } } });
  let bad = 0;
  for await (const { value, error } of readJsonLines(io.stdin)) {
    const id = value?.['id'] ?? null;
    const html = value ? optionalString(value, 'html') : undefined;
    const body = value ? optionalString(value, 'body') : undefined;
    if (!value || (html === undefined && body === undefined)) {
      bad++;
      writeJson(io, { id, error: { code: 'bad_input', message: error ?? 'expected a "body" or "html" string' } });
      continue;
    }
    const title = optionalString(value, 'title');
    const text = removeBoilerplate(html !== undefined ? htmlToText(html) : (body ?? '').replace(/\r\n?/g, '\n'));
    const terms = classify({ title, content: text }).matched.map((m) => m.text);
    const result = extractTakeaways({ title, text, terms });
    writeJson(io, {
      id,
      takeaways: result.items.map((t) => t.text),
      method: result.method,
      ...(values.quotes ? { quotes: (result.quotes ?? []).map((q) => ({ text: q.text, speaker: q.speaker })) } : {}),
    });
  }
  if (bad > 0) io.stderr.write(`${bad} bad input line(s)\n`);
  return 0;
}
