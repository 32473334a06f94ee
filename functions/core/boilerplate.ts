import rules from '../../data/boilerplate.json' with { type: 'json' };

/**
 * Remove publishing boilerplate from plain article text, line by line, using the reviewed
 * patterns in data/boilerplate.json: WordPress "The post ... appeared first on ...",
 * "Continue reading", "Read more", share/subscribe lines, inline "See also ..." links, and an
 * empty trailing heading such as "Sources".
 */

const LINES = rules.lines.map((p) => new RegExp(p, 'iu'));
const SUFFIXES = rules.lineSuffixes.map((p) => new RegExp(p, 'iu'));
const TRAILING = new Set(rules.trailingHeadings);

export function removeBoilerplate(text: string): string {
  const kept: string[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line.length <= rules.maxLineChars && LINES.some((re) => re.test(line))) continue;
    for (const re of SUFFIXES) line = line.replace(re, '');
    kept.push(line);
  }
  while (kept.length > 0) {
    const last = (kept[kept.length - 1] ?? '').replace(/[:.]$/, '').trim().toLowerCase();
    if (last === '' || TRAILING.has(last)) kept.pop();
    else break;
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}
