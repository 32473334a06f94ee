import { fold } from '../text-fold';
import type { Quote } from '../model';
import { takeawaysConfig, type TakeawaysConfig } from './config';
import { quoteSpans, splitSentences, type Sentence } from './sentences';
import { foldWord } from './words';

/**
 * Direct quotations and who said them.
 *
 * A quotation is a span in double marks ("…", “…”, „…“, «…») or in single marks ending in
 * punctuation ('…,' he said) within one paragraph, or a paragraph that opens a quotation the next
 * paragraph continues. Its speaker comes from the attribution around it:
 * - after it: `"…," Rutte said` / `"…," said Foreign Minister Ivica Dačić` / `„…“, rekao je Vučić`;
 * - before it: `Rutte stated, "…"` / `Kurti tha: "…"` / `He urged both sides…, stating, "…"`
 *   (a participle takes the subject of its sentence).
 * A pronoun speaker ("he said") is resolved to the first name of the nearest sentence before
 * that has one (news puts the subject first), and a surname to the fullest form of the name the
 * article uses ("Rutte" → "Mark Rutte"). Titles are dropped from names ("NATO Secretary General
 * Mark Rutte" → "Mark Rutte"); an unnamed speaker keeps its description ("the ministry").
 * Quotations without an attribution are kept (speaker null) when they are a whole sentence of
 * some length; fragments ("a 'surge'") are not quotations in this sense.
 *
 * @example extractQuotes('"We stay," Rutte said.') // [{ text: "We stay", speaker: "Rutte", ... }]
 */

const CAP_WORD = /^\p{Lu}[\p{L}\p{M}'’-]*$/u;
const CONNECTORS = new Set(['de', 'van', 'von', 'der', 'bin', 'al', 'da', 'di', 'del', 'la', 'le', 'el', 'ibn', 'dos', 'du', 'e']);
const AUX = new Set(['je', 'su', 'has', 'had', 'have', 'also', 'later', 'then', 'e', 'ka', 'kane', 'reportedly', 'once', 'previously']);
const ARTICLES = new Set(['the', 'a', 'an']);
const PARTICIPLE = /ing$|^(stating|saying|adding|noting)$/;

interface Span {
  readonly start: number;
  readonly end: number;
  /** Offsets of the quoted words, without the marks. */
  readonly innerStart: number;
  readonly innerEnd: number;
}

interface Word {
  readonly text: string;
  readonly folded: string;
  readonly start: number;
  readonly end: number;
}

function words(text: string, base: number): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(/[\p{L}\p{M}\p{N}'’\-.]+/gu)) {
    const raw = m[0].replace(/[.'’-]+$/u, '').replace(/^['’]+/u, '');
    if (!raw) continue;
    const start = base + (m.index ?? 0) + m[0].indexOf(raw);
    out.push({ text: raw, folded: foldWord(raw), start, end: start + raw.length });
  }
  return out;
}

/** Strip possessives ("Liverpool's Glen Johnson" → "Glen Johnson", "Rutte's" → "Rutte") and trailing punctuation. */
const cleanName = (name: string): string =>
  name.replace(/^.*['’]s\s+(?=\p{Lu})/u, '').replace(/['’]s$/u, '').replace(/[,.;:]+$/, '').trim();

/**
 * Whether a single capitalised word is a proper noun in this text: it also appears in the
 * middle of a sentence, where only names are capitalised ("Scroll", "Despite" never do).
 */
function properNoun(word: string, text: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + word.length)) {
    if (/[\p{L}\p{M}]/u.test(text.charAt(at + word.length))) continue;
    const before = text.slice(Math.max(0, at - 2), at);
    if (/^[\p{Ll}\p{N},;:)] $/u.test(before)) return true;
  }
  return false;
}

/** Single-quoted spans: an opening mark after a space and a closing one after punctuation. */
function singleQuoteSpans(line: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const re = /(^|[\s([])(['‘])(?=[\p{Lu}\p{N}])/gu;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    const open = m.index + (m[1]?.length ?? 0);
    const close = /[,.!?…](['’])(?=[\s,;:)\]]|$)/u.exec(line.slice(open + 1));
    if (!close) continue;
    const end = open + 1 + close.index + close[0].length;
    spans.push({ start: open, end });
    re.lastIndex = end;
  }
  return spans;
}

function findSpans(text: string): Span[] {
  const lines = text.split('\n');
  // The index of the next non-empty line after each line, found in one pass from the end.
  const nextNonEmpty = new Int32Array(lines.length).fill(-1);
  for (let li = lines.length - 2; li >= 0; li--) nextNonEmpty[li] = lines[li + 1]?.trim() ? li + 1 : (nextNonEmpty[li + 1] ?? -1);
  const out: Span[] = [];
  let base = 0;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li] ?? '';
    const spans = [...quoteSpans(line, Number.MAX_SAFE_INTEGER)];
    if (/['‘]/.test(line)) {
      for (const s of singleQuoteSpans(line)) if (!spans.some((d) => d.start <= s.start && s.end <= d.end)) spans.push(s);
    }
    // A quotation that runs on into the next paragraph: the next one opens with a mark again.
    const covered = (i: number): boolean => spans.some((s) => s.start <= i && i < s.end);
    const lastOpen = Math.max(line.lastIndexOf('"'), line.lastIndexOf('“'), line.lastIndexOf('„'));
    const nextLine = lines[nextNonEmpty[li] ?? -1] ?? '';
    if (lastOpen >= 0 && !covered(lastOpen) && /^\s*["“„]/.test(nextLine) && /^\p{Lu}/u.test(line.slice(lastOpen + 1))) {
      spans.push({ start: lastOpen, end: line.trimEnd().length });
    }
    for (const s of spans) {
      const inner = line.slice(s.start + 1, s.end - (s.end === line.trimEnd().length && !/["”“»'’]$/.test(line.trimEnd()) ? 0 : 1));
      const lead = inner.length - inner.trimStart().length;
      const trimmed = inner.trim().replace(/,$/, '');
      out.push({ start: base + s.start, end: base + s.end, innerStart: base + s.start + 1 + lead, innerEnd: base + s.start + 1 + lead + trimmed.length });
    }
    base += line.length + 1;
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Phrases (folded, space-separated) indexed by their first word, longest first. */
type PhraseIndex = ReadonlyMap<string, readonly (readonly string[])[]>;

function phraseIndex(phrases: readonly string[]): PhraseIndex {
  const index = new Map<string, string[][]>();
  for (const phrase of phrases) {
    const parts = phrase.split(' ');
    const list = index.get(parts[0] ?? '') ?? [];
    list.push(parts);
    index.set(parts[0] ?? '', list);
  }
  for (const list of index.values()) list.sort((a, b) => b.length - a.length);
  return index;
}

const indexes = new WeakMap<TakeawaysConfig, { verbs: PhraseIndex; titles: PhraseIndex; titleWords: ReadonlySet<string> }>();
function indexFor(config: TakeawaysConfig): { verbs: PhraseIndex; titles: PhraseIndex; titleWords: ReadonlySet<string> } {
  let found = indexes.get(config);
  if (!found) {
    found = {
      verbs: phraseIndex(config.quotes.speechVerbs),
      titles: phraseIndex(config.quotes.titles),
      titleWords: new Set(config.quotes.titles.flatMap((t) => t.split(' '))),
    };
    indexes.set(config, found);
  }
  return found;
}

/** Length in words of the phrase of `index` that starts at `folded[at]`, or 0. */
function phraseAt(folded: readonly string[], at: number, index: PhraseIndex): number {
  const list = index.get(folded[at] ?? '');
  if (!list) return 0;
  for (const parts of list) if (parts.every((p, k) => folded[at + k] === p)) return parts.length;
  return 0;
}

/** Match a speech verb at word `at`; returns how many words it spans. */
function verbAt(ws: readonly Word[], at: number, config: TakeawaysConfig): number {
  const list = indexFor(config).verbs.get(ws[at]?.folded ?? '');
  if (!list) return 0;
  for (const parts of list) if (parts.every((p, k) => ws[at + k]?.folded === p)) return parts.length;
  return 0;
}

/** The capitalised run (a name, possibly with titles) ending at word `last`. */
function nameRunBackward(ws: readonly Word[], last: number, config: TakeawaysConfig): string | null {
  const run: Word[] = [];
  for (let i = last; i >= 0; i--) {
    const w = ws[i];
    const next = run[0];
    if (!w || (next && next.start - w.end > 1)) break;
    if (CAP_WORD.test(w.text)) run.unshift(w);
    else if (CONNECTORS.has(w.folded) && run.length > 0 && CAP_WORD.test(ws[i - 1]?.text ?? '')) run.unshift(w);
    else break;
  }
  while (run.length > 0 && config.quotes.nonNames.has(run[0]?.folded ?? '')) run.shift();
  return run.length > 0 ? run.map((w) => w.text).join(' ') : null;
}

function nameRunForward(ws: readonly Word[], first: number, config: TakeawaysConfig): string | null {
  const run: Word[] = [];
  for (let i = first; i < ws.length; i++) {
    const w = ws[i];
    if (!w) break;
    const prev = run[run.length - 1];
    if (prev && w.start - prev.end > 1) break;
    if (CAP_WORD.test(w.text) || (CONNECTORS.has(w.folded) && run.length > 0 && CAP_WORD.test(ws[i + 1]?.text ?? ''))) run.push(w);
    else if (run.length === 0 && (indexFor(config).titleWords.has(w.folded) || ARTICLES.has(w.folded))) continue;
    else break;
  }
  return run.length > 0 ? run.map((w) => w.text).join(' ') : null;
}

/** A lower-case description right before the verb: "the ministry", "a spokesman for the party". */
function descriptionBackward(ws: readonly Word[], last: number): string | null {
  for (let k = last; k >= Math.max(0, last - 4); k--) {
    const w = ws[k];
    if (!w || /^\p{Lu}/u.test(w.text)) return null;
    if (ARTICLES.has(w.folded)) return ws.slice(k, last + 1).map((x) => x.text).join(' ');
  }
  return null;
}

type Speaker = { kind: 'name' | 'description'; text: string } | { kind: 'pronoun' } | { kind: 'subject' } | null;

function speakerBefore(ws: readonly Word[], verbFrom: number, config: TakeawaysConfig, participle: boolean): Speaker {
  let last = verbFrom - 1;
  while (last >= 0 && AUX.has(ws[last]?.folded ?? '')) last--;
  const w = ws[last];
  if (participle) return { kind: 'subject' };
  if (!w) return null;
  if (config.quotes.speakerPronouns.has(w.folded)) return { kind: 'pronoun' };
  const run = nameRunBackward(ws, last, config);
  if (run) return { kind: 'name', text: run };
  const description = descriptionBackward(ws, last);
  return description ? { kind: 'description', text: description } : null;
}

function speakerAfter(ws: readonly Word[], from: number, config: TakeawaysConfig): Speaker {
  let i = from;
  while (AUX.has(ws[i]?.folded ?? '')) i++;
  const w = ws[i];
  if (!w) return null;
  if (config.quotes.speakerPronouns.has(w.folded)) return { kind: 'pronoun' };
  const name = nameRunForward(ws, i, config);
  if (name) return { kind: 'name', text: name };
  if (ARTICLES.has(w.folded)) {
    const desc: string[] = [w.text];
    for (let k = i + 1; k < Math.min(ws.length, i + 5); k++) {
      const x = ws[k];
      if (!x) break;
      desc.push(x.text);
      if (/[,.;:]/.test(x.text.slice(-1)) || ws[k + 1] === undefined) break;
    }
    return { kind: 'description', text: desc.join(' ') };
  }
  return null;
}

/** Names in the sentence, first one first, titles and non-names left out. */
function namesIn(sentence: Sentence, text: string, config: TakeawaysConfig): string[] {
  const ws = words(sentence.text, sentence.start);
  const out: string[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i];
    if (!w || !CAP_WORD.test(w.text) || config.quotes.nonNames.has(w.folded) || /^\p{Lu}{2,}$/u.test(w.text)) continue;
    const name = nameRunForward(ws, i, config);
    if (!name) continue;
    const cleaned = stripTitles(cleanName(name), config);
    const single = !cleaned.includes(' ');
    if (cleaned && !config.quotes.nonNames.has(fold(cleaned)) && !(single && i === 0 && !properNoun(cleaned, text))) out.push(cleaned);
    i += name.split(' ').length - 1;
  }
  return out;
}

/** A name without the titles before it: "NATO Secretary General Mark Rutte" → "Mark Rutte". */
function stripTitles(name: string, config: TakeawaysConfig): string {
  const parts = name.split(' ');
  const folded = parts.map((p) => foldWord(p));
  const titles = indexFor(config).titles;
  let from = 0;
  for (let i = 0; i < parts.length - 1; i++) {
    const n = phraseAt(folded, i, titles);
    if (n > 0 && i + n < parts.length) from = Math.max(from, i + n);
  }
  return parts.slice(from).join(' ');
}

const NAME_CHAR = /[\p{L}\p{M}]/u;

/** The fullest form of a name the article uses: "Rutte" → "Mark Rutte" (titles dropped, at most 4 words). */
function fullest(name: string, text: string, config: TakeawaysConfig): string {
  const last = name.split(' ').pop() ?? name;
  let best = name;
  for (let at = text.indexOf(last); at >= 0; at = text.indexOf(last, at + last.length)) {
    if (NAME_CHAR.test(text.charAt(at + last.length)) || NAME_CHAR.test(text.charAt(at - 1))) continue;
    // Up to four capitalised words right before this occurrence, separated by single spaces.
    const head = text.slice(Math.max(0, at - 80), at);
    const words = head.split(' ');
    words.pop(); // the empty string before the surname
    const run: string[] = [];
    for (let k = words.length - 1; k >= 0 && run.length < 4; k--) {
      const w = words[k] ?? '';
      if (!CAP_WORD.test(w) || /[\n\t]/.test(w)) break;
      run.unshift(w);
    }
    if (head.length > 0 && !head.endsWith(' ')) continue;
    const parts = stripTitles(cleanName([...run, last].join(' ')), config).split(' ');
    while (parts.length > 1 && config.quotes.nonNames.has(foldWord(parts[0] ?? ''))) parts.shift();
    const candidate = parts.join(' ');
    if (parts.length <= 4 && candidate.length > best.length && fold(candidate).endsWith(fold(name))) best = candidate;
  }
  return best;
}

export function extractQuotes(text: string, config: TakeawaysConfig = takeawaysConfig): Quote[] {
  const spans = findSpans(text);
  if (spans.length === 0) return [];
  const sentences = splitSentences(text, config);
  const namesCache = new Map<number, string[]>();
  const namesOf = (k: number): string[] => {
    let names = namesCache.get(k);
    if (!names) {
      const s = sentences[k];
      names = s ? namesIn(s, text, config) : [];
      namesCache.set(k, names);
    }
    return names;
  };
  const fullNames = new Map<string, string>();
  const full = (name: string): string => {
    let found = fullNames.get(name);
    if (found === undefined) {
      found = fullest(name, text, config);
      fullNames.set(name, found);
    }
    return found;
  };
  const sentenceAt = (offset: number): number => {
    let lo = 0;
    let hi = sentences.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((sentences[mid]?.start ?? 0) <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const resolvePronoun = (si: number): string | null => {
    for (let k = si - 1; k >= Math.max(0, si - 3); k--) {
      const names = namesOf(k);
      if (names[0]) return names[0];
    }
    return null;
  };

  const quotes: Quote[] = [];
  const seen = new Set<string>();
  for (const span of spans) {
    const quoted = text.slice(span.innerStart, span.innerEnd);
    const wordCount = (quoted.match(/[\p{L}\p{N}]+/gu) ?? []).length;
    if (wordCount < config.quotes.minWords) continue;
    const si = sentenceAt(span.start);
    const lineEnd = text.indexOf('\n', span.end);
    const after = text.slice(span.end, Math.min(lineEnd < 0 ? text.length : lineEnd, span.end + 160));
    const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
    const sentenceStart = Math.max(lineStart, sentences[si]?.start ?? lineStart);
    const before = text.slice(Math.max(sentenceStart, span.start - 240), span.start);

    let speaker: Speaker = null;
    // After: `"…," Rutte said` or `"…," said Rutte`.
    const afterWords = /^\s*[,;]?\s*(?:[-–—]\s*)?[\p{L}]/u.test(after) ? words(after, span.end).slice(0, 10) : [];
    if (afterWords.length > 0) {
      const v = verbAt(afterWords, 0, config);
      const auxFirst = v === 0 && AUX.has(afterWords[0]?.folded ?? '') ? verbAt(afterWords, 1, config) : 0;
      if (v > 0) speaker = speakerAfter(afterWords, v, config);
      else if (auxFirst > 0) speaker = speakerAfter(afterWords, auxFirst + 1, config);
      else {
        for (let k = 1; k < Math.min(afterWords.length, 8) && !speaker; k++) {
          const n = verbAt(afterWords, k, config);
          if (n > 0) {
            speaker = speakerBefore(afterWords, k, config, false);
            break;
          }
        }
      }
    }
    // Before: `Rutte stated, "…"` or `…, stating, "…"`.
    if (!speaker && /[,:]\s*$|\s$/u.test(before)) {
      const bw = words(before, span.start - before.length);
      for (let k = bw.length - 1; k >= Math.max(0, bw.length - 4) && !speaker; k--) {
        const n = verbAt(bw, k, config);
        if (n > 0 && k + n >= bw.length - 1) speaker = speakerBefore(bw, k, config, PARTICIPLE.test(bw[k]?.folded ?? ''));
      }
    }

    let name: string | null = null;
    if (speaker?.kind === 'name') name = full(stripTitles(cleanName(speaker.text), config));
    else if (speaker?.kind === 'description') name = cleanName(speaker.text);
    else if (speaker?.kind === 'pronoun') {
      const resolved = resolvePronoun(si);
      name = resolved ? full(resolved) : null;
    } else if (speaker?.kind === 'subject') {
      const s = sentences[si];
      const own = s ? namesIn({ ...s, text: text.slice(s.start, span.start) }, text, config)[0] : undefined;
      const ownPronoun = s && config.quotes.speakerPronouns.has(fold(/^[\p{L}]+/u.exec(s.text)?.[0] ?? ''));
      const resolved = ownPronoun ? resolvePronoun(si) : (own ?? resolvePronoun(si));
      name = resolved ? full(resolved) : null;
    }

    const wholeSentence = /^\p{Lu}/u.test(quoted) && wordCount >= config.quotes.minWords + 2;
    if (!name && !wholeSentence) continue;
    const key = fold(quoted);
    if (seen.has(key)) continue;
    seen.add(key);
    quotes.push({ text: quoted, speaker: name, start: span.innerStart, end: span.innerEnd });
    if (quotes.length >= config.quotes.maxQuotes) break;
  }
  return quotes;
}
