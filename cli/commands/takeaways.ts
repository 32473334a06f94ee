import { parseArgs } from 'node:util';
import { removeBoilerplate } from '../../functions/core/boilerplate';
import { htmlToText } from '../../functions/core/html-text';
import { classifyBounded } from '../../functions/core/pipeline';
import type { Takeaways } from '../../functions/core/model';
import { extractTakeaways } from '../../functions/core/takeaways/index';
import { optionalString, readJsonLines, writeJson, type Io } from '../io';

/**
 * `wbnews takeaways [--quotes]`: JSON lines {id, title, body} or {id, title, html} on stdin;
 * stdout gets {id, takeaways: [...], method} per line, same order, exactly as the pipeline
 * computes them (HTML converted and boilerplate removed as in normalization, the regional terms
 * found by relevance passed in). `--quotes` adds "quotes": [{text, speaker}]. A bad line
 * yields {id, error} and the run goes on.
 */
export interface TakeawaysRequest {
  readonly title?: string;
  readonly body?: string;
  readonly html?: string;
}

/** One request as the pipeline would see it: HTML to text, boilerplate removed, regional terms from relevance. */
export function takeawaysOf(request: TakeawaysRequest): { text: string; takeaways: Takeaways } {
  const raw = request.html !== undefined ? htmlToText(request.html) : (request.body ?? '').replace(/\r\n?/g, '\n');
  const text = removeBoilerplate(raw);
  const terms = classifyBounded({ title: request.title, content: text }).matched.map((m) => m.text);
  return { text, takeaways: extractTakeaways({ title: request.title, text, terms }) };
}

export async function takeawaysCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { quotes: { type: 'boolean', default: false } } });
  let bad = 0;
  for await (const { line, value, error } of readJsonLines(io.stdin)) {
    const id = value?.['id'] ?? null;
    const html = value ? optionalString(value, 'html') : undefined;
    const body = value ? optionalString(value, 'body') : undefined;
    if (!value || (html === undefined && body === undefined)) {
      bad++;
      writeJson(io, { id, error: { code: 'bad_input', message: error ?? `line ${line}: expected a "body" or "html" string (got ${received(value)})` } });
      continue;
    }
    const { takeaways: result } = takeawaysOf({ title: optionalString(value, 'title'), body, html });
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

/** What a line had in place of a text: `body: 123`, or that it had neither field. */
function received(value: Record<string, unknown> | undefined): string {
  const present = (['body', 'html'] as const).filter((key) => value?.[key] !== undefined && value[key] !== null);
  if (present.length === 0) return 'neither';
  return present.map((key) => `${key}: ${JSON.stringify(value?.[key]).slice(0, 80)}`).join(', ');
}
