import { htmlToText } from '../../functions/core/html-text';
import { removeBoilerplate } from '../../functions/core/boilerplate';
import { extractTakeaways } from '../../functions/core/takeaways/index';
import { optionalString, readJsonLines, writeJson, type Io } from '../io';

/**
 * `wbnews takeaways`: JSON lines {id, title, body} or {id, title, html} on stdin; stdout gets
 * {id, takeaways: [...], method} per line, same order. A bad line yields {id, error}.
 */
export async function takeawaysCommand(_argv: string[], io: Io): Promise<number> {
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
    const text = html !== undefined ? removeBoilerplate(htmlToText(html)) : body ?? '';
    const result = extractTakeaways({ title: optionalString(value, 'title'), text });
    writeJson(io, { id, takeaways: result.items.map((t) => t.text), method: result.method });
  }
  if (bad > 0) io.stderr.write(`${bad} bad input line(s)\n`);
  return 0;
}
