import rawRules from '../../data/boilerplate.json' with { type: 'json' };
import { ConfigError } from './errors';

/**
 * Remove publishing boilerplate from plain article text, line by line, using the reviewed
 * patterns in data/boilerplate.json: WordPress "The post ... appeared first on ...",
 * "Continue reading", "Read more", share/subscribe/follow lines, inline "See also ..." links
 * (in English and the region's languages), and an empty trailing heading such as "Sources".
 *
 * @example removeBoilerplate('Text.\n\nSee also Other story\n\nSources') // "Text."
 */

export interface BoilerplateRules {
  readonly maxLineChars: number;
  readonly lines: readonly RegExp[];
  readonly lineSuffixes: readonly RegExp[];
  readonly trailingHeadings: ReadonlySet<string>;
}

/** Validate data/boilerplate.json: a pattern that does not compile is a ConfigError naming it. */
export function validateBoilerplate(doc: unknown, where = 'data/boilerplate.json'): BoilerplateRules {
  const fail = (message: string, value: unknown): never => {
    throw new ConfigError(`${where}: ${message} (got ${JSON.stringify(value)})`, { value: JSON.stringify(value) });
  };
  if (!doc || typeof doc !== 'object') fail('must be an object', doc);
  const { maxLineChars, lines, lineSuffixes, trailingHeadings } = doc as Record<string, unknown>;
  if (!Number.isInteger(maxLineChars) || (maxLineChars as number) < 20) fail('"maxLineChars" must be an integer of at least 20', maxLineChars);
  const patterns = (key: string, value: unknown): RegExp[] => {
    if (!Array.isArray(value)) fail(`"${key}" must be an array`, value);
    return (value as unknown[]).map((p) => {
      if (typeof p !== 'string' || p.length < 2) fail(`"${key}" entries must be patterns`, p);
      try {
        return new RegExp(p as string, 'iu');
      } catch {
        return fail(`"${key}" pattern does not compile`, p);
      }
    });
  };
  if (!Array.isArray(trailingHeadings) || trailingHeadings.some((h) => typeof h !== 'string' || h !== h.toLowerCase())) {
    fail('"trailingHeadings" must be lower-case strings', trailingHeadings);
  }
  return {
    maxLineChars: maxLineChars as number,
    lines: patterns('lines', lines),
    lineSuffixes: patterns('lineSuffixes', lineSuffixes),
    trailingHeadings: new Set(trailingHeadings as string[]),
  };
}

const RULES = validateBoilerplate(rawRules);

export function removeBoilerplate(text: string, rules: BoilerplateRules = RULES): string {
  const kept: string[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line.length <= rules.maxLineChars && rules.lines.some((re) => re.test(line))) continue;
    for (const re of rules.lineSuffixes) line = line.replace(re, '');
    kept.push(line);
  }
  while (kept.length > 0) {
    const last = (kept[kept.length - 1] ?? '').replace(/[:.]$/, '').trim().toLowerCase();
    if (last === '' || rules.trailingHeadings.has(last)) kept.pop();
    else break;
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}
