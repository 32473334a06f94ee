import { fold } from '../text-fold';
import { takeawaysConfig, type TakeawaysConfig } from './config';

/**
 * Split plain text into sentences with their character offsets.
 *
 * Lines never join: a paragraph, a heading or a list line ("• item") is at least its own
 * sentence. Inside a line a sentence ends at . ! ? … (with any closing quotes or brackets)
 * followed by white space and a capital letter or digit, except:
 * - after a title (Mr., Dr., Gen., St., gosp., z., проф. — data/takeaways.json), or "No."/"br."
 *   before a number ("No. 5");
 * - after another abbreviation (Inc., etc.), an initial ("J. Doe") or a dotted acronym (U.S.)
 *   unless the next word is a function word ("…by Acme Inc. The deal…");
 * - after a month abbreviation before a number ("Oct. 5"), and after a.m./p.m. before a number,
 *   a weekday, "today" or a time zone ("5 p.m. Monday", "5 p.m. GMT"); before any other
 *   capitalised word they end the sentence ("…in Oct. Prices rose", "…at 5 p.m. Officials said");
 * - after a day or ordinal number before a month or another ordinal noun ("am 3. Oktober");
 * - inside a quotation that closes on the same line ("We will stay. We are ready," he said).
 * Decimals (3.5) and ordinals in lower-case context ("15. novembra") never match.
 * Intl.Segmenter breaks after every abbreviation, which is why this is rule-based.
 *
 * @example splitSentences('Gen. Smith met Mr. J. Doe in St. Louis. It rained.').map((s) => s.text)
 * // ["Gen. Smith met Mr. J. Doe in St. Louis.", "It rained."]
 */

export interface Sentence {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Index of the non-empty line (paragraph, heading or list line) the sentence is in. */
  readonly paragraph: number;
}

const END = /([.!?…]+)(["'”’»“)\]]*)(\s+)/gu;
/** Opening double quotation marks and the marks that close them. */
const CLOSERS: Readonly<Record<string, string>> = { '"': '"', '“': '”', '„': '“”', '«': '»' };
const OPENERS = new Set(['"', "'", '“', '‘', '«', '„', '(', '[', '‚']);
const UPPER_OR_DIGIT = /[\p{Lu}\p{N}]/u;
const LAST_WORD = /([\p{L}.]+)$/u;
const FIRST_WORD = /^["'“‘«„([]*([\p{L}]+)/u;

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Double-quoted spans that open and close on this line ("…", “…”, „…“, „…”, «…»). */
export function quoteSpans(line: string, maxChars: number): Span[] {
  const spans: Span[] = [];
  let open = -1;
  let closer = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (open < 0) {
      const close = ch === undefined ? undefined : CLOSERS[ch];
      if (close !== undefined) {
        open = i;
        closer = close;
      }
    } else if (ch !== undefined && closer.includes(ch)) {
      if (i - open <= maxChars) spans.push({ start: open, end: i + 1 });
      open = -1;
    }
  }
  return spans;
}

export function splitSentences(text: string, config: TakeawaysConfig = takeawaysConfig): Sentence[] {
  const out: Sentence[] = [];
  let lineStart = 0;
  let paragraph = 0;
  for (const line of text.split('\n')) {
    if (line.trim()) {
      splitLine(line, lineStart, paragraph, config, out);
      paragraph++;
    }
    lineStart += line.length + 1;
  }
  return out;
}

function splitLine(line: string, base: number, paragraph: number, config: TakeawaysConfig, out: Sentence[]): void {
  const { quoteSpanMaxChars } = config.sentences;
  const spans = line.includes('"') || /[“„«]/.test(line) ? quoteSpans(line, quoteSpanMaxChars) : [];
  let start = 0;
  END.lastIndex = 0;
  for (let m = END.exec(line); m; m = END.exec(line)) {
    const punct = m[1] ?? '';
    const stopAt = m.index + punct.length + (m[2]?.length ?? 0);
    const nextAt = m.index + m[0].length;
    let next = line[nextAt];
    if (next === undefined) break;
    if (OPENERS.has(next)) next = line[nextAt + 1] ?? '';
    if (!UPPER_OR_DIGIT.test(next)) continue;
    if (spans.some((s) => s.start < m.index && stopAt < s.end)) continue;
    if (punct === '.' && !endsAbbreviation(line, Math.max(start, m.index - 24), m.index, nextAt, next, config)) continue;
    push(line, base, start, stopAt, paragraph, out);
    start = nextAt;
  }
  push(line, base, start, line.length, paragraph, out);
}

/**
 * Whether the period at `at` ends a sentence. After an abbreviation, an initial or a dotted
 * acronym it does only when a function word follows ("…bought by Acme Inc. The deal…").
 */
function endsAbbreviation(line: string, from: number, at: number, nextAt: number, next: string, config: TakeawaysConfig): boolean {
  const { abbreviations, numberAbbreviations, titleAbbreviations, monthAbbreviations, timeAbbreviations, timeFollowers, ordinalNouns } = config.sentences;
  const following = (): string => fold(FIRST_WORD.exec(line.slice(nextAt, nextAt + 24))?.[1] ?? '');
  const before = line.slice(from, at);
  // "am 3. Oktober", "im 19. Jahrhundert": an ordinal number, not the end of a sentence.
  if (/\p{N}/u.test(before.charAt(before.length - 1))) return !(/(?:^|[^\p{L}\p{N}.,])\p{N}{1,2}$/u.test(before) && ordinalNouns.has(following()));
  const word = fold(LAST_WORD.exec(before)?.[1] ?? '').replace(/^\.+/, '');
  if (!word) return true;
  if (numberAbbreviations.has(word) && /\p{N}/u.test(next)) return false;
  if (titleAbbreviations.has(word)) return false;
  // "Oct. 5" goes on; "…in Oct. Prices rose" ends: a month abbreviation stands only before a day.
  if (monthAbbreviations.has(word)) return !/\p{N}/u.test(next);
  // "5 p.m. Monday" goes on; "…at 5 p.m. Officials said" ends.
  if (timeAbbreviations.has(word)) return !/\p{N}/u.test(next) && !timeFollowers.has(following()) && !/^\p{Lu}{2,4}\b/u.test(line.slice(nextAt, nextAt + 8));
  if (!abbreviations.has(word) && !/^\p{L}$/u.test(word) && !word.includes('.')) return true;
  return config.extractive.stopwords.has(following());
}

function push(line: string, base: number, from: number, to: number, paragraph: number, out: Sentence[]): void {
  const raw = line.slice(from, to);
  const lead = raw.length - raw.trimStart().length;
  const text = raw.trim();
  if (!text) return;
  out.push({ text, start: base + from + lead, end: base + from + lead + text.length, paragraph });
}
