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
 *   A quotation that ends its sentence with a full stop is not attributed to the name that opens
 *   the next sentence (`"…work." Garcia told reporters that…`); the next quotation of a
 *   paragraph right after an attributed one keeps its speaker (`"…," said Blitz. "She…"`).
 * Speech verbs are written in lower case ("the United States" is no "states"), in English,
 * Serbian/Croatian/Bosnian, Albanian, Macedonian, German and Italian (data/takeaways.json).
 *
 * Who the speaker is:
 * - a name before an appositive is the speaker (`David Gartside, head of traffic, said`); a name
 *   after a preposition is not (`a spokesman from Harveys said` → that description);
 * - "he"/"she" stands for the nearest person in the three sentences before, outside quotations:
 *   not an object or a place (`with Palmer`, `of Iraq`), not a name after an article
 *   (`the Atlanta Falcons`), none with an organisation word (Police, Society, Vlada), someone the
 *   article shows as a person (with a speech verb or a title somewhere), and of the pronoun's
 *   gender when a title tells it (Mr, Mrs, gospodin). Otherwise the speaker is null: better no
 *   name than a wrong one. "They" stands for a group: null.
 * - a participle or a second verb (`…, saying:`, `…but admitted:`) takes the first name of its
 *   own sentence when that is its subject, else null (never a name from the sentence before);
 * - titles and descriptors are dropped (`Manager Stuart Gray`, `Prosecutor Trina Little`,
 *   `Премиерот Христијан Мицкоски`, `poslanik Marko Petrović`, `Stoke manager Mark Hughes`); a
 *   role without a name stays a description (`the US President`); a lone capitalised common word
 *   (`Another said:`) or a contraction (`I’m`) is never a speaker;
 * - a surname becomes the fullest form the article uses ("Rutte" → "Mark Rutte"), preferring
 *   forms whose first names never stand alone, then the most used: no run of names that only
 *   touch ("goalkeeper Gianluigi Buffon Hart" → "Joe Hart").
 * Quotations without an attribution are kept (speaker null) when they are a whole sentence of
 * some length; fragments ("a 'surge'") are not quotations in this sense.
 *
 * @example extractQuotes('"We stay," Rutte said.') // [{ text: "We stay", speaker: "Rutte", ... }]
 */

/** A capitalised word; hyphenated parts capitalised too ("Johnson-Weiner", not "Rugby-loving", "Father-of-three"). */
const CAP_WORD = /^\p{Lu}[\p{L}\p{M}'’]*(?:-\p{Lu}[\p{L}\p{M}'’]*)*$/u;
/** Name particles written in lower case: "al-Malki", "bin-Laden", "d'Alema". */
const PARTICLE_NAME = /^(?:al|el|ad|ar|as|at|az|ash|bin|ibn|abu|bint|d)[-'’]\p{Lu}[\p{L}\p{M}'’-]*$/u;
/** "I’m", "They're", "We'll": contractions, never names. */
const CONTRACTION = /['’](?:m|re|ll|ve|d|t)$/iu;
const NAME_CHAR = /[\p{L}\p{M}]/u;
/** Scans for a word's other uses look at its first N occurrences: the cost stays bounded on a text that repeats a name thousands of times. */
const MAX_OCCURRENCES = 100;
const CONNECTORS = new Set(['de', 'van', 'von', 'der', 'bin', 'al', 'da', 'di', 'del', 'la', 'le', 'el', 'ibn', 'dos', 'du', 'e']);
const AUX = new Set(['je', 'su', 'has', 'had', 'have', 'also', 'later', 'then', 'e', 'ka', 'kane', 'reportedly', 'once', 'previously']);
const PARTICIPLE = /ing$|^(stating|saying|adding|noting)$/;
const AND = new Set(['and', 'or', 'i', 'dhe', 'und', 'e']);

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
  /** An abbreviation written with its period ("Maj.", "Gen.", "Mr.", "J."): the period does not part it from the next word. */
  readonly dot: boolean;
}

function words(text: string, base: number, config: TakeawaysConfig): Word[] {
  const out: Word[] = [];
  const { titleAbbreviations } = config.sentences;
  for (const m of text.matchAll(/[\p{L}\p{M}\p{N}'’\-.]+/gu)) {
    const raw = m[0].replace(/[.'’-]+$/u, '').replace(/^['’]+/u, '');
    if (!raw) continue;
    const start = base + (m.index ?? 0) + m[0].indexOf(raw);
    const folded = foldWord(raw);
    const dotted = m[0].charAt(m[0].indexOf(raw) + raw.length) === '.';
    // An abbreviation's period ("Maj.", "Gen.", "J.") does not part a name; a sentence's does ("…said Mr Boteas. Talented…").
    const abbreviation = dotted && (raw.length === 1 || titleAbbreviations.has(folded) || indexFor(config).singleTitles.has(folded));
    out.push({ text: raw, folded, start, end: start + raw.length, dot: abbreviation });
  }
  return out;
}

/** Strip possessives ("Liverpool's Glen Johnson" → "Glen Johnson", "Rutte's" → "Rutte") and trailing punctuation. */
const cleanName = (name: string): string =>
  name.replace(/^.*['’]s\s+(?=\p{Lu})/u, '').replace(/['’]s$/u, '').replace(/[,.;:]+$/, '').trim();

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

interface Indexes {
  readonly verbs: PhraseIndex;
  readonly titles: PhraseIndex;
  /** Every word of every title ("head" of "head coach"). */
  readonly titleWords: ReadonlySet<string>;
  /** Titles of one word ("manager", "maj"). */
  readonly singleTitles: ReadonlySet<string>;
}
const indexes = new WeakMap<TakeawaysConfig, Indexes>();
function indexFor(config: TakeawaysConfig): Indexes {
  let found = indexes.get(config);
  if (!found) {
    found = {
      verbs: phraseIndex(config.quotes.speechVerbs),
      titles: phraseIndex(config.quotes.titles),
      titleWords: new Set(config.quotes.titles.flatMap((t) => t.split(' '))),
      singleTitles: new Set(config.quotes.titles.filter((t) => !t.includes(' '))),
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

/** Match a speech verb at word `at` (written in lower case: "States" is no verb); returns how many words it spans. */
function verbAt(ws: readonly Word[], at: number, config: TakeawaysConfig): number {
  const first = ws[at];
  if (!first || !/^\p{Ll}/u.test(first.text)) return 0;
  const list = indexFor(config).verbs.get(first.folded);
  if (!list) return 0;
  for (const parts of list) if (parts.every((p, k) => ws[at + k]?.folded === p)) return parts.length;
  return 0;
}

/** A word that can be part of a name: capitalised ("Rutte", "Dačić", "O'Brien"), or a particle name ("al-Malki"); never "I’m". */
function isNameWord(w: Word | undefined): boolean {
  if (!w) return false;
  return (CAP_WORD.test(w.text) && !CONTRACTION.test(w.text)) || PARTICLE_NAME.test(w.text);
}

/** Words `a` and `b` stand next to each other, with only white space (or an abbreviation's period) between: no comma, no quote mark. */
const adjacent = (a: Word, b: Word): boolean => b.start - a.end <= (a.dot ? 2 : 1);

/** The capitalised run (a name, possibly with titles) ending at word `last`, as words. */
function nameRunBackward(ws: readonly Word[], last: number, config: TakeawaysConfig): Word[] {
  const run: Word[] = [];
  for (let i = last; i >= 0; i--) {
    const w = ws[i];
    const next = run[0];
    if (!w || (next && !adjacent(w, next))) break;
    if (isNameWord(w)) run.unshift(w);
    else if (CONNECTORS.has(w.folded) && run.length > 0 && isNameWord(ws[i - 1])) run.unshift(w);
    // "…beat manager Steve Parsons": a lower-case title before the name belongs to the run (stripTitles drops it).
    else if (run.length > 0 && indexFor(config).singleTitles.has(w.folded)) run.unshift(w);
    else break;
  }
  while (run.length > 0 && (config.quotes.nonNames.has(run[0]?.folded ?? '') || !isNameWord(run[0]))) run.shift();
  return run;
}

/** The capitalised run starting at word `first`, skipping articles and titles before it ("said the Foreign Minister Ivica Dačić"). */
function nameRunForward(ws: readonly Word[], first: number, config: TakeawaysConfig): Word[] {
  const run: Word[] = [];
  for (let i = first; i < ws.length; i++) {
    const w = ws[i];
    if (!w) break;
    const prev = run[run.length - 1];
    if (prev && !adjacent(prev, w)) break;
    if (isNameWord(w) || (CONNECTORS.has(w.folded) && run.length > 0 && isNameWord(ws[i + 1]))) run.push(w);
    else if (run.length === 0 && (indexFor(config).titleWords.has(w.folded) || config.quotes.articles.has(w.folded))) continue;
    // "Stoke manager Mark Hughes": a lower-case title between a name and a name goes into the run (stripTitles drops what is before it).
    else if (run.length > 0 && indexFor(config).singleTitles.has(w.folded) && isNameWord(ws[i + 1]) && adjacent(w, ws[i + 1] as Word)) run.push(w);
    else break;
  }
  return run;
}

const joinWords = (run: readonly Word[]): string => run.map((w) => w.text).join(' ');

/** Whether every word of the name is a title or a non-name ("US President", "Sen"): a role, not a person's name. */
function onlyTitles(name: string, config: TakeawaysConfig): boolean {
  const { titleWords } = indexFor(config);
  const parts = name.split(' ');
  // "Ms Bishop", "Mr King": after an honorific, a title word is a surname.
  const first = foldWord(parts[0] ?? '');
  if (parts.length > 1 && (config.quotes.maleTitles.has(first) || config.quotes.femaleTitles.has(first))) return false;
  return parts.every((p) => {
    const f = foldWord(p);
    return titleWords.has(f) || config.quotes.nonNames.has(f);
  });
}

/** A lower-case description right before the verb: "the ministry", "the driver" (no clause words: "the training ground but"). */
function descriptionBackward(ws: readonly Word[], last: number, config: TakeawaysConfig): string | null {
  for (let k = last; k >= Math.max(0, last - 4); k--) {
    const w = ws[k];
    if (!w || /^\p{Lu}/u.test(w.text)) return null;
    if (config.quotes.articles.has(w.folded)) return joinWords(ws.slice(k, last + 1));
    if (config.quotes.clauseWords.has(w.folded)) return null;
  }
  return null;
}

type Speaker = { kind: 'name' | 'description'; text: string } | { kind: 'pronoun'; pronoun: string } | { kind: 'subject' } | null;

/** The speaker of a verb at `verbFrom` from the words before it: `Rutte said`, `David Gartside, head of traffic, said`, `the ministry said`. */
function speakerBefore(ws: readonly Word[], verbFrom: number, ctx: Ctx, participle: boolean): Speaker {
  const { config, text } = ctx;
  if (participle) {
    // "…with The Hollywood Reporter's Amy Amatangelo saying, "…"": the name right before the participle.
    const own = nameRunBackward(ws, verbFrom - 1, config);
    const at = ws[verbFrom];
    const last = own[own.length - 1];
    return own.length > 0 && last && at && adjacent(last, at) && !onlyTitles(joinWords(own), config) ? { kind: 'name', text: joinWords(own) } : { kind: 'subject' };
  }
  let last = verbFrom - 1;
  while (last >= 0 && AUX.has(ws[last]?.folded ?? '')) last--;
  const w = ws[last];
  if (!w) return null;
  // "…on the training ground but admitted:" — a second verb of the sentence: its subject speaks.
  if (config.quotes.clauseWords.has(w.folded)) return { kind: 'subject' };
  if (config.quotes.speakerPronouns.has(w.folded)) return { kind: 'pronoun', pronoun: w.folded };
  if (config.quotes.nonNames.has(w.folded)) return null;
  // An appositive between the name and the verb: "Peter Richardson, of the Marine Conservation
  // Society, said", "Mr Meadwell, 50, from Newcastle, said": the name before the first comma.
  const verb = ws[verbFrom];
  if (verb && text.slice(w.end, verb.start).includes(',')) {
    for (let k = last; k >= Math.max(1, last - 20); k--) {
      const open = ws[k - 1];
      const cur = ws[k];
      if (!open || !cur || !text.slice(open.end, cur.start).includes(',')) continue;
      const run = nameRunBackward(ws, k - 1, config);
      if (run.length > 0 && !onlyTitles(joinWords(run), config)) return { kind: 'name', text: joinWords(run) };
    }
  }
  const run = nameRunBackward(ws, last, config);
  const first = run.length > 0 ? ws.indexOf(run[0] as Word) : -1;
  // The preposition before the name, over at most two lower-case words ("from broker Panmure Gordon").
  let prep = first - 1;
  while (prep >= Math.max(0, first - 3) && ws[prep] && /^\p{Ll}/u.test(ws[prep]?.text ?? '') && !config.quotes.prepositions.has(ws[prep]?.folded ?? '') && !config.quotes.clauseWords.has(ws[prep]?.folded ?? '')) prep--;
  const before = ws[prep];
  if (run.length > 0 && before && config.quotes.prepositions.has(before.folded) && ws.slice(prep, first).every((x, k) => adjacent(x, ws[prep + k + 1] as Word))) {
    // "A spokesman from Harveys said", "the Football Association of Wales said": a description;
    // "Mark Peaker, a father of three from Telford said", "David Buik from broker Panmure Gordon
    // said": the subject of the sentence.
    for (let k = prep - 1; k >= Math.max(0, prep - 5); k--) {
      const x = ws[k];
      if (!x || !adjacent(x, ws[k + 1] as Word)) break;
      if (config.quotes.articles.has(x.folded)) return { kind: 'description', text: joinWords(ws.slice(k, last + 1)) };
      if (config.quotes.clauseWords.has(x.folded)) break;
    }
    return { kind: 'subject' };
  }
  if (run.length > 0 && !onlyTitles(joinWords(run), config)) return { kind: 'name', text: joinWords(run) };
  // A role without a name ("the US President said"): the description, from its article.
  if (run.length > 0) {
    let k = last;
    while (k >= 0 && isNameWord(ws[k]) && onlyTitles(ws[k]?.text ?? '', config)) k--;
    const article = ws[k];
    return article && config.quotes.articles.has(article.folded) ? { kind: 'description', text: joinWords(ws.slice(k, last + 1)) } : null;
  }
  const description = descriptionBackward(ws, last, config);
  return description ? { kind: 'description', text: description } : null;
}

/** The speaker after a verb ending at `from`: `said Foreign Minister Ivica Dačić`, `rekao je Vučić`, `he said`, `the ministry said`. */
function speakerAfter(ws: readonly Word[], from: number, config: TakeawaysConfig): Speaker {
  let i = from;
  while (AUX.has(ws[i]?.folded ?? '')) i++;
  const w = ws[i];
  if (!w) return null;
  if (config.quotes.speakerPronouns.has(w.folded)) return { kind: 'pronoun', pronoun: w.folded };
  const run = nameRunForward(ws, i, config);
  const next = ws[i + (run.length > 0 ? ws.indexOf(run[run.length - 1] as Word) - i + 1 : 0)];
  const role = config.quotes.articles.has(w.folded) && run.length > 0 && next !== undefined && indexFor(config).singleTitles.has(next.folded);
  if (run.length > 0 && !role && !onlyTitles(joinWords(run), config)) return { kind: 'name', text: joinWords(run) };
  if (config.quotes.articles.has(w.folded)) {
    const desc: string[] = [w.text];
    for (let k = i + 1; k < Math.min(ws.length, i + 5); k++) {
      const x = ws[k];
      if (!x || config.quotes.clauseWords.has(x.folded)) break;
      desc.push(x.text);
      if (/[,.;:]/.test(x.text.slice(-1)) || ws[k + 1] === undefined || !adjacent(x, ws[k + 1] as Word)) break;
    }
    return desc.length > 1 ? { kind: 'description', text: desc.join(' ') } : null;
  }
  return null;
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

/** What the article tells about who is a person: names seen with a speech verb or a personal title, and the gender of titles. */
interface Evidence {
  /** Folded last words of names used with a speech verb ("Hart said", "said Hart") or after a title ("Mr Hart", "President Bush"). */
  readonly persons: ReadonlySet<string>;
  /** The same, only from titles ("Mr Gray", "manager Stuart Gray"). */
  readonly titled: ReadonlySet<string>;
  readonly gender: ReadonlyMap<string, 'm' | 'f'>;
}

/** Per-text state: the text, its quotation spans and sentences, and caches. */
interface Ctx {
  readonly text: string;
  readonly config: TakeawaysConfig;
  readonly spans: readonly Span[];
  readonly sentences: readonly Sentence[];
  readonly endsRun: Map<string, boolean>;
  readonly common: Map<string, boolean>;
  evidence?: Evidence;
}

/** Whether the word is also written in lower case in this text ("Now", "Large", "Pretty"): a common word, not a name. */
function commonWord(word: string, ctx: Ctx): boolean {
  const cached = ctx.common.get(word);
  if (cached !== undefined) return cached;
  const folded = foldWord(word);
  let found = ctx.config.extractive.stopwords.has(folded) || ctx.config.quotes.nonNames.has(folded);
  const lower = word.toLowerCase();
  const { text } = ctx;
  for (let at = text.indexOf(lower), seen = 0; at >= 0 && !found && lower !== word && seen < MAX_OCCURRENCES; at = text.indexOf(lower, at + lower.length), seen++) {
    if (!NAME_CHAR.test(text.charAt(at - 1)) && !NAME_CHAR.test(text.charAt(at + lower.length))) found = true;
  }
  ctx.common.set(word, found);
  return found;
}

/** Whether `offset` falls inside a quotation (spans are sorted by start). */
function insideQuote(offset: number, ctx: Ctx): boolean {
  let lo = 0;
  let hi = ctx.spans.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((ctx.spans[mid]?.start ?? 0) <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let k = found; k >= Math.max(0, found - 2); k--) {
    const span = ctx.spans[k];
    if (span && span.start <= offset && offset < span.end) return true;
  }
  return false;
}

/** Whether a capitalised word also ends a name elsewhere, before a lower-case word ("Buffon was…", "Real Madrid man"): then it is not a first name. */
function endsRunElsewhere(word: string, ctx: Ctx): boolean {
  const cached = ctx.endsRun.get(word);
  if (cached !== undefined) return cached;
  const { text } = ctx;
  let found = false;
  for (let at = text.indexOf(word), seen = 0; at >= 0 && !found && seen < MAX_OCCURRENCES; at = text.indexOf(word, at + word.length), seen++) {
    if (NAME_CHAR.test(text.charAt(at - 1))) continue;
    const after = text.slice(at + word.length, at + word.length + 3);
    if (/^\s\p{Ll}/u.test(after)) found = true;
  }
  ctx.endsRun.set(word, found);
  return found;
}

function evidenceOf(ctx: Ctx): Evidence {
  if (ctx.evidence) return ctx.evidence;
  const { config } = ctx;
  const { titles, titleWords } = indexFor(config);
  const ws = words(ctx.text, 0, config);
  const folded = ws.map((w) => w.folded);
  const persons = new Set<string>();
  const titled = new Set<string>();
  const gender = new Map<string, 'm' | 'f'>();
  const surname = (run: readonly Word[]): string => foldWord(cleanName(run[run.length - 1]?.text ?? ''));
  for (let i = 0; i < ws.length; i++) {
    const v = verbAt(ws, i, config);
    if (v > 0) {
      const add = (run: readonly Word[]): void => {
        const last = surname(run);
        if (last && !config.quotes.nonNames.has(last) && !onlyTitles(joinWords(run), config)) persons.add(last);
      };
      let b = i - 1;
      while (b >= 0 && AUX.has(folded[b] ?? '')) b--;
      add(nameRunBackward(ws, b, config));
      // After the verb a name speaks ("said Rutte", "rekao je Vučić"), except after a verb that
      // takes a listener ("told CNN", "asked Rutte").
      if (!config.quotes.addressVerbs.has(folded[i] ?? '')) {
        let a = i + v;
        while (a < ws.length && (AUX.has(folded[a] ?? '') || config.quotes.articles.has(folded[a] ?? '') || titleWords.has(folded[a] ?? ''))) a++;
        add(nameRunForward(ws, a, config));
      }
      i += v - 1;
      continue;
    }
    const t = phraseAt(folded, i, titles);
    if (t > 0) {
      const title = ws[i + t - 1];
      const first = ws[i + t];
      if (!title || !first || !isNameWord(first) || first.start - title.end > 2) continue;
      const run = nameRunForward(ws, i + t, config);
      const last = surname(run);
      if (!last || config.quotes.nonNames.has(last)) continue;
      persons.add(last);
      titled.add(last);
      if (config.quotes.maleTitles.has(folded[i] ?? '')) gender.set(last, 'm');
      else if (config.quotes.femaleTitles.has(folded[i] ?? '')) gender.set(last, 'f');
    }
  }
  ctx.evidence = { persons, titled, gender };
  return ctx.evidence;
}

/** A name found in a sentence, with the word right before it (folded; undefined at the start or after punctuation). */
interface Candidate {
  readonly name: string;
  readonly run: readonly Word[];
  readonly before?: string;
  /** The folded word right after it (a title word there makes the name a modifier: "the former Old Trafford boss"). */
  readonly after?: string;
}

/** Names in the sentence outside quotations, first one first, titles and non-names left out. */
function candidatesIn(sentence: Sentence, ctx: Ctx, until = sentence.end): Candidate[] {
  const { config } = ctx;
  const ws = words(ctx.text.slice(sentence.start, until), sentence.start, config).filter((w) => !insideQuote(w.start, ctx));
  const out: Candidate[] = [];
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i];
    if (!w || !isNameWord(w) || config.quotes.nonNames.has(w.folded) || /^\p{Lu}{2,}$/u.test(w.text)) continue;
    const found = nameRunForward(ws, i, config);
    if (found.length === 0) continue;
    i += found.length - 1;
    // At the start of the sentence a capitalised common word is no part of a name ("Large Amish communities").
    const first = ws.indexOf(found[0] as Word);
    const run = first === 0 && found.length > 1 && commonWord(found[0]?.text ?? '', ctx) ? found.slice(1) : found;
    const cleaned = stripTitles(cleanName(joinWords(run)), config);
    if (!cleaned || onlyTitles(cleaned, config) || config.quotes.nonNames.has(fold(cleaned))) continue;
    // A single word opening the sentence is a name only when it is not a common word ("Scroll", "Last").
    const opener = run.length === 1 && ws.indexOf(run[0] as Word) === 0;
    if (opener && commonWord(cleaned, ctx) && !evidenceOf(ctx).titled.has(foldWord(cleaned))) continue;
    const prev = ws[first - 1];
    const next = ws[i + 1];
    let before = prev && adjacent(prev, found[0] as Word) ? prev.folded : undefined;
    // "after Bild and Paris Match": a name joined by "and" to an object is an object too.
    const last = out[out.length - 1];
    if (before !== undefined && AND.has(before) && last?.before !== undefined && config.quotes.prepositions.has(last.before) && last.run[last.run.length - 1] === ws[first - 2]) before = last.before;
    out.push({
      name: cleaned,
      run,
      before,
      after: next && adjacent(found[found.length - 1] as Word, next) ? next.folded : undefined,
    });
  }
  return out;
}

/** A candidate that is not an object or a place ("with Palmer", "of Iraq", "the Falcons"), nor a modifier ("Old Trafford boss"). */
function subjectLike(c: Candidate, config: TakeawaysConfig): boolean {
  if (c.before !== undefined && (config.quotes.articles.has(c.before) || config.quotes.prepositions.has(c.before))) return false;
  return c.after === undefined || !indexFor(config).singleTitles.has(c.after);
}

/** A candidate a personal pronoun can stand for: subject-like, no organisation word, and known as a person in this text. */
function personLike(c: Candidate, ctx: Ctx, gender: 'm' | 'f' | undefined): boolean {
  const { config } = ctx;
  if (!subjectLike(c, config)) return false;
  if (c.run.some((w) => config.quotes.organisationWords.has(w.folded))) return false;
  const last = foldWord(c.name.split(' ').pop() ?? '');
  const evidence = evidenceOf(ctx);
  if (!evidence.persons.has(last)) return false;
  const known = evidence.gender.get(last);
  return !(gender && known && known !== gender);
}

/**
 * The fullest form of a name the article uses: "Rutte" → "Mark Rutte" (titles dropped, at most
 * 4 words); of several forms, the one used most often, then the longest ("Esteban Cambiasso"
 * twice beats "Real Madrid Cambiasso" once). A word that opens a sentence or a caption and is
 * also written in lower case is a common word, not a first name ("Now Debbie" → "Debbie"), and a
 * known person's surname cuts the run ("…goalkeeper Gianluigi Buffon Hart…" → "Hart").
 */
function fullest(name: string, ctx: Ctx): string {
  const { text, config } = ctx;
  const last = name.split(' ').pop() ?? name;
  const forms = new Map<string, { count: number; clean: boolean }>();
  for (let at = text.indexOf(last), seen = 0; at >= 0 && seen < MAX_OCCURRENCES; at = text.indexOf(last, at + last.length), seen++) {
    if (NAME_CHAR.test(text.charAt(at + last.length)) || NAME_CHAR.test(text.charAt(at - 1))) continue;
    const head = text.slice(Math.max(0, at - 80), at);
    if (head.length > 0 && !head.endsWith(' ')) continue;
    // Up to four capitalised words right before this occurrence, separated by single spaces.
    const parts = head.split(' ');
    parts.pop(); // the empty string before the surname
    const run: string[] = [];
    for (let k = parts.length - 1; k >= 0 && run.length < 4; k--) {
      const w = parts[k] ?? '';
      if (!(CAP_WORD.test(w) || PARTICLE_NAME.test(w)) || CONTRACTION.test(w) || /[\n\t]/.test(w)) break;
      run.unshift(w);
    }
    const runStart = at - run.reduce((n, w) => n + w.length + 1, 0);
    const opens = runStart === 0 || /(?:[.!?…:)\]]["'”’»)]*\s+|\n\s*)$/u.test(text.slice(Math.max(0, runStart - 6), runStart));
    for (let c = run.length - 1; c >= 0; c--) {
      const w = run[c] ?? '';
      if (endsRunElsewhere(w, ctx) && (c < run.length - 1 || evidenceOf(ctx).persons.has(foldWord(cleanName(w))))) {
        run.splice(0, c + 1);
        break;
      }
    }
    const named = stripTitles(cleanName([...run, last].join(' ')), config).split(' ');
    if (opens && named.length > 1 && named[0] === run[0] && commonWord(named[0] ?? '', ctx)) named.shift();
    while (named.length > 1 && config.quotes.nonNames.has(foldWord(named[0] ?? ''))) named.shift();
    const candidate = named.join(' ');
    if (named.length < 2 || named.length > 4 || !fold(candidate).endsWith(fold(name)) || onlyTitles(named.slice(0, -1).join(' '), config)) continue;
    const form = forms.get(candidate) ?? { count: 0, clean: named.slice(0, -1).every((w) => !endsRunElsewhere(w, ctx)) };
    forms.set(candidate, { ...form, count: form.count + 1 });
  }
  // Forms whose first names never stand alone before a lower-case word first, then the most
  // used, then the longest.
  let best = name;
  let bestRank: [number, number, number] = [-1, 0, 0];
  for (const [form, { count, clean }] of forms) {
    if (form.length <= name.length) continue;
    const rank: [number, number, number] = [clean ? 1 : 0, count, form.length];
    if (rank[0] > bestRank[0] || (rank[0] === bestRank[0] && (rank[1] > bestRank[1] || (rank[1] === bestRank[1] && rank[2] > bestRank[2])))) {
      best = form;
      bestRank = rank;
    }
  }
  return best;
}

/** The quotations of `text`; pass `sentences` when the text is already split (splitSentences of the same text and config). */
export function extractQuotes(text: string, config: TakeawaysConfig = takeawaysConfig, split?: readonly Sentence[]): Quote[] {
  const spans = findSpans(text);
  if (spans.length === 0) return [];
  const sentences = split ?? splitSentences(text, config);
  const ctx: Ctx = { text, config, spans, sentences, endsRun: new Map(), common: new Map() };
  const candidatesCache = new Map<number, Candidate[]>();
  const candidatesOf = (k: number): Candidate[] => {
    let found = candidatesCache.get(k);
    if (!found) {
      const s = sentences[k];
      found = s ? candidatesIn(s, ctx) : [];
      candidatesCache.set(k, found);
    }
    return found;
  };
  const fullNames = new Map<string, string>();
  const full = (name: string): string => {
    let found = fullNames.get(name);
    if (found === undefined) {
      found = fullest(name, ctx);
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
  const genderOf = (pronoun: string): 'm' | 'f' | undefined =>
    config.quotes.malePronouns.has(pronoun) ? 'm' : config.quotes.femalePronouns.has(pronoun) ? 'f' : undefined;
  // "He"/"she" stands for the nearest person in the sentences before: not an object ("with
  // Palmer"), a place or an organisation, and someone the article shows as a person (with a
  // speech verb or a title somewhere), of the pronoun's gender when the article tells it. Plural
  // pronouns ("they") stand for groups: no person.
  const resolvePronoun = (si: number, pronoun: string): string | null => {
    const gender = genderOf(pronoun);
    if (!gender) return null;
    for (let k = si - 1; k >= Math.max(0, si - 3); k--) {
      for (const c of candidatesOf(k)) if (personLike(c, ctx, gender)) return c.name;
    }
    return null;
  };

  const quotes: Quote[] = [];
  const seen = new Set<string>();
  let previous: { end: number; line: number; speaker: string } | null = null;
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
    // After: `"…," Rutte said` or `"…," said Rutte`. A quotation that ends its sentence with a
    // full stop is followed by a new sentence, not by its attribution ("…work." Garcia told…).
    const endsSentence = /[.…]$/u.test(quoted);
    const afterWords = /^\s*[,;]?\s*(?:[-–—]\s*)?[\p{L}]/u.test(after) ? words(after, span.end, config).slice(0, 10) : [];
    if (afterWords.length > 0) {
      const v = verbAt(afterWords, 0, config);
      const auxFirst = v === 0 && AUX.has(afterWords[0]?.folded ?? '') ? verbAt(afterWords, 1, config) : 0;
      if (v > 0) speaker = speakerAfter(afterWords, v, config);
      else if (auxFirst > 0) speaker = speakerAfter(afterWords, auxFirst + 1, config);
      else if (!endsSentence || config.quotes.speakerPronouns.has(afterWords[0]?.folded ?? '')) {
        for (let k = 1; k < Math.min(afterWords.length, 8) && !speaker; k++) {
          const n = verbAt(afterWords, k, config);
          if (n > 0) {
            speaker = speakerBefore(afterWords, k, ctx, false);
            break;
          }
        }
      }
    }
    // Before: `Rutte stated, "…"` or `…, stating, "…"`. A name there wins over a pronoun after
    // (`Faith said: '…[a long quotation]…,' she said`).
    if ((!speaker || speaker.kind === 'pronoun') && /[,:]\s*$|\s$/u.test(before)) {
      const bw = words(before, span.start - before.length, config);
      let found: Speaker = null;
      for (let k = bw.length - 1; k >= Math.max(0, bw.length - 5) && !found; k--) {
        const n = verbAt(bw, k, config);
        // The verb ends the text before the quotation, or is followed only by a lower-case object ("told the court:").
        const object = bw.slice(k + n);
        if (n > 0 && object.every((x) => /^\p{Ll}/u.test(x.text))) found = speakerBefore(bw, k, ctx, PARTICIPLE.test(bw[k]?.folded ?? ''));
      }
      if (!speaker || found?.kind === 'name' || found?.kind === 'description') speaker = found ?? speaker;
    }

    let name: string | null = null;
    if (speaker?.kind === 'name') {
      // A lone capitalised common word ("Another said:", "Parents said") is no name, unless the
      // article gives it a title or a first name elsewhere ("Mr Gray", "Stuart Gray").
      const bare = stripTitles(cleanName(speaker.text), config);
      const fuller = full(bare);
      const lone = !fuller.includes(' ') && commonWord(fuller, ctx) && !evidenceOf(ctx).titled.has(foldWord(fuller));
      name = lone ? null : fuller;
    }
    else if (speaker?.kind === 'description') name = cleanName(speaker.text);
    else if (speaker?.kind === 'pronoun') {
      const resolved = resolvePronoun(si, speaker.pronoun);
      name = resolved ? full(resolved) : null;
    } else if (speaker?.kind === 'subject') {
      // The subject of the quotation's own sentence: its first name before the quotation that is
      // not an object, or, when the sentence opens with "he"/"she", whom that stands for.
      const s = sentences[si];
      const opener = s ? fold(/^[\p{L}]+/u.exec(s.text)?.[0] ?? '') : '';
      if (s && config.quotes.speakerPronouns.has(opener)) {
        const resolved = resolvePronoun(si, opener);
        name = resolved ? full(resolved) : null;
      } else if (s) {
        const own = candidatesIn(s, ctx, span.start)[0];
        name = own && subjectLike(own, config) ? full(own.name) : null;
      }
    } else if (!speaker && previous && previous.line === lineStart && span.start - previous.end <= 100) {
      // `"…," said Blitz, her friend. "She was convinced…"`: the next quotation in the paragraph, after the attribution, goes on.
      name = previous.speaker;
    }

    if (name) previous = { end: span.end, line: lineStart, speaker: name };
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
