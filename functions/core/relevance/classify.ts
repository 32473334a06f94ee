import { ConfigError } from '../errors';
import { foldWithMap, isWordCode as isWordCodeExport, originalIndex, type FoldedText } from '../text-fold';
import type { CountryCode, Field, Relevance, RelevanceMatch } from '../model';
import { defaultGazetteer, defaultRelevanceConfig, type GazetteerEntry, type RelevanceConfig } from './gazetteer';
import { compileGazetteer, scan, type Match, type Matcher, type ScanResult } from './matcher';

/**
 * Decide whether an item is Western Balkans coverage, which countries it concerns, and why.
 *
 * 1. Each field is folded (text-fold.ts) and scanned once with the compiled gazetteer.
 * 2. Readings: a veto cue anywhere in the item cancels an entry's reading (Ohio for Dayton),
 *    unless another unambiguous term of the same country is present. An ambiguous term counts
 *    only with support: a qualifier within `contextWindow` words ("Edi" for Rama), or an
 *    unambiguous in-scope term elsewhere in the item (of the same country when the entry says
 *    `"support": "country"`).
 * 3. Prominence: a mention is discounted when it is late in the summary or content, one of a
 *    long list of mostly other countries, part of someone's ancestry ("born in Belgrade"), or
 *    under a headline about another country with none of ours.
 * 4. Score: per (term, field) `weight × fieldWeight × discount × (1 + ln count)`, summed per
 *    country and in total. Relevant when the total reaches the one threshold in
 *    data/relevance.json. Countries: those with at least `countryShare` of the top country's
 *    score; an item that names only the region gets the region's countries.
 *
 * @example classify({ title: 'Kurti meets Vučić in Brussels' }).countries // ["RS", "XK"] (strongest first)
 */

export interface ClassifyInput {
  readonly title?: string;
  readonly summary?: string;
  readonly content?: string;
}

const isWordCode = isWordCodeExport;

/** The pseudo country code of region-wide terms (Western Balkans, Berlin Process). */
export const REGION = 'WB';

const FIELDS: readonly Field[] = ['title', 'summary', 'content'];
const LIST_ITEM_MAX_WORDS = 4;
const ANCESTRY_BEFORE = 4;
const ANCESTRY_AFTER = 2;
const ANCESTRY_KINDS = new Set(['country', 'demonym', 'capital', 'town', 'region']);

export type Discount = 'late' | 'list' | 'ancestry' | 'foreign-headline';

/** A term found but not counted, and why (for explanations and evaluation). */
export interface RejectedMatch {
  readonly term: string;
  readonly text: string;
  readonly field: Field;
  readonly countries: readonly CountryCode[];
  readonly reason: 'vetoed' | 'unsupported' | 'out-of-scope';
}

export interface Classification {
  readonly relevance: Relevance;
  readonly rejected: readonly RejectedMatch[];
}

interface FieldScan {
  readonly field: Field;
  readonly original: string;
  readonly folded: FoldedText;
  readonly result: ScanResult;
  /** Cue id → word indexes where it starts. */
  readonly cueWords: Map<number, number[]>;
}

interface Hit {
  readonly scan: FieldScan;
  readonly match: Match;
  readonly entry: number;
  readonly form: string;
}

export interface Classifier {
  readonly matcher: Matcher;
  readonly config: RelevanceConfig;
  readonly version: string;
  /** Per entry: in scope (a scope country or the region). */
  readonly inScope: readonly boolean[];
  readonly sportsCues: ReadonlySet<number>;
  readonly ancestryCues: ReadonlySet<number>;
  readonly scope: ReadonlySet<CountryCode>;
  readonly factors: Readonly<Record<Discount, number>>;
}

/** Compile a classifier from a gazetteer matcher and settings (done once at load for the defaults). */
export function createClassifier(matcher: Matcher, config: RelevanceConfig): Classifier {
  const scope = new Set(config.scope);
  return {
    matcher,
    config,
    version: `gaz-${matcher.gazetteer.version}/t${config.threshold}/s${config.scope.join('')}`,
    inScope: matcher.gazetteer.entries.map((e) => e.countries.some((c) => c === REGION || scope.has(c))),
    sportsCues: matcher.cueSets.get('sports') ?? new Set(),
    ancestryCues: matcher.cueSets.get('ancestry') ?? new Set(),
    scope,
    factors: {
      late: config.discounts.late,
      list: config.discounts.list,
      ancestry: config.discounts.ancestry,
      'foreign-headline': config.discounts.foreignHeadline,
    },
  };
}

export const defaultMatcher: Matcher = compileGazetteer(defaultGazetteer);
export const defaultClassifier: Classifier = createClassifier(defaultMatcher, defaultRelevanceConfig);

/** Country codes the gazetteer has terms for (the six, and the neighbours a deployment may add). */
export function gazetteerCountries(matcher: Matcher = defaultMatcher): string[] {
  return [...new Set(matcher.gazetteer.entries.flatMap((e) => e.countries))].filter((c) => c !== REGION).sort();
}

/**
 * The default classifier with another scope (a deployment's `scopeCountries`, RELEVANCE_SCOPE).
 * Every code must be one the gazetteer knows; otherwise a ConfigError names it.
 */
export function classifierForScope(scope: readonly string[], where = 'scope'): Classifier {
  const known = gazetteerCountries();
  const unknown = scope.filter((c) => !known.includes(c));
  if (scope.length === 0 || unknown.length > 0) {
    throw new ConfigError(`${where}: expected country codes among ${known.join(', ')} (got ${JSON.stringify(scope.join(','))})`, { value: scope.join(',') });
  }
  return createClassifier(defaultMatcher, { ...defaultRelevanceConfig, scope: [...new Set(scope)] });
}

function scanField(classifier: Classifier, field: Field, original: string): FieldScan {
  const folded = foldWithMap(original);
  const result = scan(classifier.matcher, folded.text);
  const cueWords = new Map<number, number[]>();
  for (const cue of result.cues) {
    const list = cueWords.get(cue.id);
    if (list) list.push(cue.word);
    else cueWords.set(cue.id, [cue.word]);
  }
  return { field, original, folded, result, cueWords };
}

function originalText(s: FieldScan, m: Match): string {
  return s.original.slice(originalIndex(s.folded, m.start), originalIndex(s.folded, m.end));
}

function cueNear(s: FieldScan, cues: ReadonlySet<number>, from: number, to: number): boolean {
  // Few cue words occur in a field: look through those, not through the set.
  for (const [id, at] of s.cueWords) {
    if (cues.has(id) && at.some((w) => w >= from && w <= to)) return true;
  }
  return false;
}

// ---- lists -------------------------------------------------------------------------------

/** Sentence ends for list detection: . ! ? : newline and the ellipsis character. */
function isTerminator(code: number): boolean {
  return code === 0x2e || code === 0x21 || code === 0x3f || code === 0x3a || code === 0x0a || code === 0x2026;
}

/** Length of a list separator at `pos` (comma, semicolon, slash, bullet, or a spaced dash), else 0. */
function separatorAt(text: string, pos: number): number {
  const c = text.charCodeAt(pos);
  // , ; / | · • – —
  if (c === 0x2c || c === 0x3b || c === 0x2f || c === 0x7c || c === 0xb7 || c === 0x2022 || c === 0x2013 || c === 0x2014) return 1;
  if (c === 0x2d && text.charCodeAt(pos - 1) === 0x20 && text.charCodeAt(pos + 1) === 0x20) return 1;
  return 0;
}

function countWords(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (isWordCode(text.charCodeAt(i)) && (i === from || !isWordCode(text.charCodeAt(i - 1)))) n++;
  return n;
}

interface Segment {
  readonly start: number;
  readonly end: number;
}

/** Conjunctions that open the last item of a list, in the languages of the region and its neighbours. */
const CLOSING = /^\s*(and|or|as well as|und|oder|et|ou|e|ed|y|i|ili|dhe|ose|и|или|та|και|ve|és|și|oraz|lub)\s/;

/** Sentences of a field split into separator-delimited segments: computed once per field, when a mention needs it. */
interface Sentence {
  readonly start: number;
  readonly end: number;
  readonly segments: Segment[];
}

const sentenceCache = new WeakMap<FieldScan, Sentence[]>();

function sentencesOf(scan: FieldScan): Sentence[] {
  const cached = sentenceCache.get(scan);
  if (cached) return cached;
  const text = scan.folded.text;
  const sentences: Sentence[] = [];
  let sentenceStart = 0;
  let segStart = 0;
  let segments: Segment[] = [];
  const close = (p: number, sep: number): void => {
    segments.push({ start: segStart, end: p });
    segStart = p + sep;
  };
  for (let p = 0; p <= text.length; p++) {
    if (p === text.length || isTerminator(text.charCodeAt(p))) {
      close(p, 1);
      sentences.push({ start: sentenceStart, end: p, segments });
      segments = [];
      sentenceStart = p + 1;
      continue;
    }
    const sep = separatorAt(text, p);
    if (sep > 0) close(p, sep);
  }
  sentenceCache.set(scan, sentences);
  return sentences;
}

/** The segments of the sentence holding [start, end), and the index of the one holding it. */
function segmentsAround(scan: FieldScan, start: number): { segments: Segment[]; index: number } {
  const sentence = sentencesOf(scan).find((x) => start >= x.start && start < x.end);
  if (!sentence) return { segments: [], index: 0 };
  const index = sentence.segments.findIndex((seg) => start >= seg.start && start < seg.end);
  return { segments: sentence.segments, index: Math.max(0, index) };
}

/**
 * Whether the mention at [start, end) is one item of a list of at least `minItems` items in which
 * in-scope mentions are a minority ("Albania, Cyprus, Estonia, Belgium, Austria ...").
 */
function inForeignList(scan: FieldScan, start: number, end: number, inScopeStarts: readonly number[], minItems: number): boolean {
  const text = scan.folded.text;
  const { segments, index } = segmentsAround(scan, start);
  const own = segments[index];
  if (!own || segments.length < minItems) return false;
  const words = (s: Segment): number => countWords(text, s.start, s.end);
  /** Starts with a conjunction ("and Ukraine"): the last item of a list. */
  const closing = (s: Segment): boolean => CLOSING.test(text.slice(s.start, s.end));
  // A list item is a few words, one of them a name (capitalised as written).
  const named = (s: Segment): boolean => {
    const written = scan.original.slice(originalIndex(scan.folded, s.start), originalIndex(scan.folded, s.end));
    return written !== written.toLowerCase();
  };
  const short = (s: Segment | undefined): boolean => {
    if (!s) return false;
    const n = words(s);
    return n >= 1 && n <= LIST_ITEM_MAX_WORDS && named(s);
  };
  const ownShort = short(own);
  const wordsBefore = countWords(text, own.start, start);
  const wordsAfter = countWords(text, end, own.end);
  let lo = index;
  let hi = index;
  if (ownShort || wordsBefore < LIST_ITEM_MAX_WORDS) {
    while (short(segments[lo - 1])) lo--;
    if (lo > 0) lo--;
  }
  if (!closing(own) && (ownShort || wordsAfter < LIST_ITEM_MAX_WORDS)) {
    while (short(segments[hi + 1]) && !closing(segments[hi] as Segment)) hi++;
    if (hi < segments.length - 1 && !closing(segments[hi] as Segment)) hi++;
  }
  const items = hi - lo + 1;
  if (items < minItems) return false;
  let ours = 0;
  for (let k = lo; k <= hi; k++) {
    const seg = segments[k] as Segment;
    if (inScopeStarts.some((s) => s >= seg.start && s < seg.end)) ours++;
  }
  return ours * 2 < items;
}

// ---- classification ----------------------------------------------------------------------

/** Classify an item and also report the terms found but not counted. */
export function classifyDetailed(input: ClassifyInput, classifier: Classifier = defaultClassifier): Classification {
  const { matcher, config } = classifier;
  const entries = matcher.gazetteer.entries;
  const scans: FieldScan[] = [];
  for (const field of FIELDS) {
    const text = input[field];
    if (text) scans.push(scanField(classifier, field, text));
  }

  const hits: Hit[] = [];
  const cuesPresent = new Set<number>();
  for (const s of scans) {
    // Several forms of one entry can match one mention (Montenegro, Monténégro; Belgrade,
    // Belgrad*): one mention, one hit, named by its exact form when there is one.
    const seen = new Map<string, number>();
    for (const m of s.result.terms) {
      const form = matcher.forms[m.id];
      if (!form) continue;
      const key = `${form.entry}@${m.start}`;
      const at = seen.get(key);
      if (at === undefined) {
        seen.set(key, hits.length);
        hits.push({ scan: s, match: m, entry: form.entry, form: form.form });
      } else if ((hits[at] as Hit).form.endsWith('*') && !form.form.endsWith('*')) {
        hits[at] = { scan: s, match: m, entry: form.entry, form: form.form };
      }
    }
    for (const id of s.cueWords.keys()) cuesPresent.add(id);
  }

  // Most items name nothing of the region or its neighbours: nothing more to weigh.
  if (hits.length === 0) return { relevance: empty(classifier), rejected: [] };

  const vetoCache = new Map<number, boolean>();
  const vetoed = (e: number): boolean => {
    let v = vetoCache.get(e);
    if (v === undefined) {
      v = false;
      for (const id of matcher.vetoes[e] ?? []) if (cuesPresent.has(id)) v = true;
      vetoCache.set(e, v);
    }
    return v;
  };

  // Unambiguous, unvetoed, in-scope evidence: country → entries providing it.
  const support = new Map<CountryCode, Set<number>>();
  for (const h of hits) {
    const entry = entries[h.entry] as GazetteerEntry;
    if (entry.ambiguous || !classifier.inScope[h.entry] || vetoed(h.entry)) continue;
    for (const c of entry.countries) {
      const set = support.get(c) ?? new Set<number>();
      set.add(h.entry);
      support.set(c, set);
    }
  }
  const supportedBy = (codes: readonly CountryCode[], self: number): boolean =>
    codes.some((c) => [...(support.get(c) ?? [])].some((e) => e !== self));
  const anySupport = (self: number): boolean => [...support.values()].some((set) => [...set].some((e) => e !== self));

  const rejected: RejectedMatch[] = [];
  const accepted: Hit[] = [];
  const foreign: Hit[] = [];
  for (const h of hits) {
    const entry = entries[h.entry] as GazetteerEntry;
    const reject = (reason: RejectedMatch['reason']): void => {
      rejected.push({ term: h.form.replace(/\*$/, ''), text: originalText(h.scan, h.match), field: h.scan.field, countries: entry.countries, reason });
    };
    if (!classifier.inScope[h.entry]) {
      if (!entry.ambiguous && !vetoed(h.entry)) foreign.push(h);
      reject('out-of-scope');
      continue;
    }
    if (vetoed(h.entry)) {
      if (supportedBy(entry.countries.filter((c) => c !== REGION), h.entry)) accepted.push(h);
      else reject('vetoed');
      continue;
    }
    if (!entry.ambiguous) {
      accepted.push(h);
      continue;
    }
    const window = config.contextWindow;
    const qualified = cueNear(h.scan, matcher.qualifiers[h.entry] ?? new Set(), h.match.word - window, h.match.lastWord + window);
    const supported = entry.support === 'country' ? supportedBy(entry.countries, h.entry) : anySupport(h.entry);
    if (qualified || supported) accepted.push(h);
    else reject('unsupported');
  }

  // Prominence discounts.
  const titleHasOurs = accepted.some((h) => h.scan.field === 'title');
  const titleHasForeign = foreign.some((h) => h.scan.field === 'title');
  const startsByField = new Map<Field, number[]>();
  for (const h of accepted) {
    const list = startsByField.get(h.scan.field) ?? [];
    list.push(h.match.start);
    startsByField.set(h.scan.field, list);
  }
  const discountsOf = (h: Hit): Discount[] => {
    const out: Discount[] = [];
    const entry = entries[h.entry] as GazetteerEntry;
    const { field } = h.scan;
    if (field !== 'title' && originalIndex(h.scan.folded, h.match.start) >= config.leadChars) out.push('late');
    if (inForeignList(h.scan, h.match.start, h.match.end, startsByField.get(field) ?? [], config.listMinItems)) out.push('list');
    if (ANCESTRY_KINDS.has(entry.kind) && cueNear(h.scan, classifier.ancestryCues, h.match.word - ANCESTRY_BEFORE, h.match.lastWord + ANCESTRY_AFTER)) {
      out.push('ancestry');
    }
    if (field !== 'title' && titleHasForeign && !titleHasOurs) out.push('foreign-headline');
    return out;
  };
  const FACTOR = classifier.factors;

  // Group by (term, field): the most prominent mention sets the factor, repeats saturate.
  interface Group { hit: Hit; count: number; factor: number; discounts: Discount[] }
  const groups = new Map<string, Group>();
  for (const h of accepted) {
    const discounts = discountsOf(h);
    const factor = discounts.reduce((f, d) => f * FACTOR[d], 1);
    const key = `${h.entry}|${h.form}|${h.scan.field}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { hit: h, count: 1, factor, discounts });
    else {
      g.count++;
      if (factor > g.factor) Object.assign(g, { factor, discounts, hit: h });
    }
  }

  const scope = classifier.scope;
  const scores = new Map<CountryCode, number>();
  let score = 0;
  const matched: RelevanceMatch[] = [];
  let sportsTerm = false;
  for (const g of groups.values()) {
    const entry = entries[g.hit.entry] as GazetteerEntry;
    const countries = entry.countries.filter((c) => c === REGION || scope.has(c));
    const contribution = entry.weight * config.fieldWeights[g.hit.scan.field] * g.factor * (1 + Math.log(g.count));
    score += contribution;
    for (const c of countries) scores.set(c, (scores.get(c) ?? 0) + contribution);
    if (entry.kind === 'sports') sportsTerm = true;
    matched.push({
      term: g.hit.form.replace(/\*$/, ''),
      text: originalText(g.hit.scan, g.hit.match),
      field: g.hit.scan.field,
      countries,
      count: g.count,
      weight: round(contribution),
      kind: entry.kind,
      ...(g.discounts.length > 0 ? { discounts: g.discounts } : {}),
    });
  }
  matched.sort((a, b) => b.weight - a.weight);

  const relevant = score >= config.threshold;
  const ranked = [...scores.entries()].filter(([c]) => c !== REGION).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = ranked[0]?.[1] ?? 0;
  let countries = ranked.filter(([, s]) => s > 0 && s >= top * config.countryShare).map(([c]) => c);
  if (countries.length === 0 && (scores.get(REGION) ?? 0) > 0) countries = config.region.filter((c) => scope.has(c));

  const sportsCue = scans.some((s) => s.field !== 'content' && [...s.cueWords.keys()].some((id) => classifier.sportsCues.has(id)));
  const tags = relevant && (sportsTerm || sportsCue) ? ['sports'] : [];

  return {
    relevance: {
      relevant,
      score: round(score),
      countries: relevant ? countries : [],
      countryScores: Object.fromEntries([...scores.entries()].map(([c, s]) => [c, round(s)])),
      matched,
      tags,
      classifierVersion: classifier.version,
    },
    rejected,
  };
}

function empty(classifier: Classifier): Relevance {
  return { relevant: false, score: 0, countries: [], countryScores: {}, matched: [], tags: [], classifierVersion: classifier.version };
}

/**
 * Classify an item: `{relevant, score, countries, countryScores, matched, tags, classifierVersion}`.
 * Pass your own classifier (createClassifier) to use another gazetteer or settings.
 */
export function classify(input: ClassifyInput, classifier: Classifier = defaultClassifier): Relevance {
  return classifyDetailed(input, classifier).relevance;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The version string stored with each classification: gazetteer version, threshold and scope. */
export function classifierVersion(classifier: Classifier = defaultClassifier): string {
  return classifier.version;
}
