import config from '../../../data/takeaways.json' with { type: 'json' };

/**
 * Split plain text into sentences with their offsets. Paragraph and list lines never join;
 * inside a line a sentence ends at . ! ? (and closing quotes) followed by a capital, except after
 * common abbreviations, initials and numbers.
 */

export interface Sentence {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'gen', 'lt', 'col', 'maj', 'capt', 'sgt', 'st', 'sr', 'jr', 'no', 'vs',
  'etc', 'inc', 'ltd', 'co', 'corp', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct',
  'nov', 'dec', 'u.s', 'u.k', 'e.g', 'i.e', 'approx', 'dept', 'gov', 'sen', 'rep', 'rev', 'hon', 'pres',
  'tzv', 'npr', 'itd', 'sl', 'dr', 'mr', 'gosp', 'str', 'br', 'god',
]);

const END = /([.!?…]+)(["'”’»)\]]*)(\s+)(?=["'“‘«(]?[\p{Lu}\p{N}])/gu;

export function splitSentences(text: string): Sentence[] {
  const out: Sentence[] = [];
  let lineStart = 0;
  for (const line of text.split('\n')) {
    splitLine(line, lineStart, out);
    lineStart += line.length + 1;
  }
  return out;
}

function splitLine(line: string, base: number, out: Sentence[]): void {
  let start = 0;
  END.lastIndex = 0;
  for (let m = END.exec(line); m; m = END.exec(line)) {
    const stopAt = m.index + (m[1]?.length ?? 0) + (m[2]?.length ?? 0);
    const before = line.slice(start, m.index);
    const lastWord = /([\p{L}.]+)$/u.exec(before)?.[1]?.toLowerCase() ?? '';
    if (m[1] === '.' && (ABBREVIATIONS.has(lastWord) || /^\p{L}$/u.test(lastWord) || /\d$/.test(before))) continue;
    push(line, base, start, stopAt, out);
    start = stopAt + (m[3]?.length ?? 0);
  }
  push(line, base, start, line.length, out);
}

function push(line: string, base: number, from: number, to: number, out: Sentence[]): void {
  const raw = line.slice(from, to);
  const lead = raw.length - raw.trimStart().length;
  const text = raw.trim();
  if (!text) return;
  out.push({ text, start: base + from + lead, end: base + from + lead + text.length });
}

export const MAX_SENTENCE_CHARS = config.maxSentenceChars;
