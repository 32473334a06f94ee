import { ConfigError } from '../errors';
import { foldWithMap, isWordCode as isWordCodeExport, originalIndex, type FoldedText } from '../text-fold';
import type { CountryCode, Field, Relevance, RelevanceMatch } from '../model';
import { defaultGazetteer, defaultRelevanceConfig, type GazetteerEntry, type RelevanceConfig } from './gazetteer';
import { caseAccepts, compileGazetteer, scan, spellingAccepts, type FormInfo, type Match, type Matcher, type ScanResult } from './matcher';

/**
 * Decide whether an item is Western Balkans coverage, which countries it concerns, and why.
 *
 * 1. Each field is folded (text-fold.ts) and scanned once with the compiled gazetteer.
 * 2. Readings: a match must have the capitals its form asks for (OHR, not "Ohr"; Pristina, not
 *    "pristine") and, for `=` forms, the spelling as written. Where a stem and a word of another
 *    entry match the same text ("srpska" Serbian, "Srpska" the Bosnian entity), the word is tried
 *    first. A veto cue anywhere in the item cancels an entry's reading (Ohio for Dayton), unless
 *    another unambiguous term of the same country is present. A place or surname right after a
 *    given name is a person's name ("Fernanda Montenegro"); an ambiguous surname right before a
 *    capitalised word is someone's given name ("Rama Yade"). An ambiguous term counts only with
 *    support: a qualifier within the entry's window ("Edi" for Rama; never a cue inside the match
 *    itself), or an unambiguous in-scope term elsewhere in the item (of the same country when the
 *    entry says `"support": "country"`). A qualifier also lifts a mention to the entry's
 *    `qualifiedWeight` ("Serbian" beside "president" weighs as a name).
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
/** Kinds whose single-word names double as surnames: after a given name they name a person. */
const NAME_KINDS = new Set(['country', 'capital', 'town', 'region', 'person']);

export type Discount = 'late' | 'list' | 'ancestry' | 'foreign-headline';

/** A term found but not counted, and why (for explanations and evaluation). */
export interface RejectedMatch {
  readonly term: string;
  readonly text: string;
  readonly field: Field;
  readonly countries: readonly CountryCode[];
  readonly reason: 'vetoed' | 'unsupported' | 'out-of-scope' | 'person-name' | 'other-reading';
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
  /** Cue id → the cue's matches that have the capitals they ask for. */
  readonly cueMatches: Map<number, Match[]>;
}

interface Hit {
  readonly scan: FieldScan;
  readonly match: Match;
  readonly entry: number;
  readonly form: FormInfo;
  /** Another entry matched the same text (see the reading order in classifyDetailed). */
  contested: boolean;
}

export interface Classifier {
  readonly matcher: Matcher;
  readonly config: RelevanceConfig;
  readonly version: string;
  /** Per entry: in scope (a scope country or the region). */
  readonly inScope: readonly boolean[];
  readonly sportsCues: ReadonlySet<number>;
  readonly ancestryCues: ReadonlySet<number>;
  /** Cue ids of given names and name openers (Hotel, Bar, Amaro): a place right after one is part of a name. */
  readonly givenNames: ReadonlySet<number>;
  readonly diaspora: ReadonlySet<number>;
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
    givenNames: new Set([...(matcher.cueSets.get('given-names') ?? []), ...(matcher.cueSets.get('name-openers') ?? [])]),
    diaspora: matcher.cueSets.get('diaspora') ?? new Set(),
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
  const cueMatches = new Map<number, Match[]>();
  const cueCase = classifier.matcher.cueCase;
  for (const cue of result.cues) {
    const rule = cueCase[cue.id] ?? 0;
    if (rule !== 0 && !caseAccepts(rule, original.slice(originalIndex(folded, cue.start), originalIndex(folded, cue.end)))) continue;
    const list = cueMatches.get(cue.id);
    if (list) list.push(cue);
    else cueMatches.set(cue.id, [cue]);
  }
  return { field, original, folded, result, cueMatches };
}

function originalText(s: FieldScan, m: { start: number; end: number }): string {
  return s.original.slice(originalIndex(s.folded, m.start), originalIndex(s.folded, m.end));
}

/** Whether a cue of `cues` lies within words [from, to] and outside the span [ownFrom, ownTo] (a term's own words never qualify it). */
function cueNear(s: FieldScan, cues: ReadonlySet<number>, from: number, to: number, ownFrom = -1, ownTo = -2): boolean {
  // Few cue words occur in a field: look through those, not through the set.
  for (const [id, list] of s.cueMatches) {
    if (!cues.has(id)) continue;
    for (const c of list) {
      if (c.lastWord < from || c.word > to) continue;
      if (c.lastWord >= ownFrom && c.word <= ownTo) continue;
      return true;
    }
  }
  return false;
}

const titleCaseCache = new WeakMap<FieldScan, boolean>();
const UPPER_START = /^\p{Lu}/u;
const LETTERS = /\p{L}{4,}/gu;

/** Headline-style capitals (most words of four or more letters capitalised), where a capital says nothing about names. */
function titleCased(s: FieldScan): boolean {
  let known = titleCaseCache.get(s);
  if (known === undefined) {
    const long = s.original.match(LETTERS) ?? [];
    const capitalised = long.filter((w) => UPPER_START.test(w)).length;
    known = long.length >= 3 && capitalised >= long.length * 0.7;
    titleCaseCache.set(s, known);
  }
  return known;
}

const nameEndsCache = new WeakMap<FieldScan, Set<number>>();

/** A given name or a name opener (cue sets given-names, name-openers) written right before the match: "Fernanda Montenegro", "Hotel Montenegro". */
function afterGivenName(s: FieldScan, names: ReadonlySet<number>, m: Match): boolean {
  // The words that directly follow a given name in this field, found once per field.
  let follows = nameEndsCache.get(s);
  if (!follows) {
    follows = new Set<number>();
    for (const [id, list] of s.cueMatches) {
      if (!names.has(id)) continue;
      for (const c of list) {
        const gapStart = originalIndex(s.folded, c.end);
        const next = s.result.terms.find((t) => t.word === c.lastWord + 1);
        if (next && /^\s+$/.test(s.original.slice(gapStart, originalIndex(s.folded, next.start)))) follows.add(next.word);
      }
    }
    nameEndsCache.set(s, follows);
  }
  return follows.size > 0 && follows.has(m.word);
}

const NEXT_CAPITALISED = /^ (\p{Lu})\p{Ll}/u;

/** A capitalised word right after the match that is no term of ours, in text that is not headline-cased: "Rama Yade". */
function beforeCapitalisedName(s: FieldScan, m: Match): boolean {
  if (titleCased(s)) return false;
  const rest = s.original.slice(originalIndex(s.folded, m.end), originalIndex(s.folded, m.end) + 3);
  return NEXT_CAPITALISED.test(rest) && !s.result.terms.some((t) => t.word === m.lastWord + 1);
}

/** A demonym joined by a hyphen to a diaspora's nationality: "Albanian-American". */
function diasporaCompound(s: FieldScan, diaspora: ReadonlySet<number>, m: Match): boolean {
  for (const [id, list] of s.cueMatches) {
    if (!diaspora.has(id)) continue;
    for (const c of list) {
      if (c.word !== m.lastWord + 1) continue;
      const gap = s.original.slice(originalIndex(s.folded, m.end), originalIndex(s.folded, c.start));
      if (/^[-\u2010\u2011]$/.test(gap)) return true;
    }
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
  const forms = matcher.forms;
  for (const s of scans) {
    // Several forms of one entry can match one mention (Montenegro, Monténégro; Belgrade,
    // Belgrad*): one mention, one hit. A form whose capitals or spelling the text lacks is no match.
    const first = hits.length;
    for (const m of s.result.terms) {
      const form = forms[m.id];
      if (!form) continue;
      if (form.caseRule !== 0 || form.spelling !== null) {
        const written = originalText(s, m);
        if (!caseAccepts(form.caseRule, written) || !spellingAccepts(form.spelling, written)) continue;
      }
      let at = -1;
      for (let k = first; k < hits.length; k++) {
        const other = hits[k] as Hit;
        if (other.entry === form.entry && other.match.start === m.start) at = k;
      }
      if (at < 0) hits.push({ scan: s, match: m, entry: form.entry, form, contested: false });
      else if ((hits[at] as Hit).form.wildcard && !form.wildcard) hits[at] = { scan: s, match: m, entry: form.entry, form, contested: false };
    }
    for (const id of s.cueMatches.keys()) cuesPresent.add(id);
  }

  // Most items name nothing of the region or its neighbours: nothing more to weigh.
  if (hits.length === 0) return { relevance: empty(classifier), rejected: [] };

  // Where entries compete for the same text, the more specific reading is tried first: a whole
  // word before a stem, a form that asked for capitals ("Srpska", the Bosnian entity) before one
  // that did not ("srpska", Serbian). The other is the fallback; contested mentions lend no support.
  if (hits.length > 1) {
    hits.sort(
      (a, b) =>
        FIELDS.indexOf(a.scan.field) - FIELDS.indexOf(b.scan.field) ||
        a.match.start - b.match.start ||
        Number(a.form.wildcard) - Number(b.form.wildcard) ||
        Number(a.form.caseRule === 0) - Number(b.form.caseRule === 0),
    );
    for (let k = 1; k < hits.length; k++) {
      const a = hits[k - 1] as Hit;
      const b = hits[k] as Hit;
      if (a.scan === b.scan && a.match.start === b.match.start && a.entry !== b.entry) a.contested = b.contested = true;
    }
  }

  const vetoCache = new Map<number, boolean>();
  const anyCue = (ids: ReadonlySet<number> | undefined): boolean => {
    if (ids) for (const id of ids) if (cuesPresent.has(id)) return true;
    return false;
  };
  const vetoed = (e: number): boolean => {
    let v = vetoCache.get(e);
    if (v === undefined) {
      v = anyCue(matcher.vetoes[e]);
      vetoCache.set(e, v);
    }
    return v;
  };
  const ambiguous = (e: number): boolean => Boolean((entries[e] as GazetteerEntry).ambiguous) || anyCue(matcher.ambiguousWith[e]);
  const personName = (h: Hit, entry: GazetteerEntry): boolean =>
    NAME_KINDS.has(entry.kind) && classifier.givenNames.size > 0 && afterGivenName(h.scan, classifier.givenNames, h.match);

  // Unambiguous, unvetoed, uncontested in-scope evidence: (country, entry) pairs.
  const supportCountries: CountryCode[] = [];
  const supportEntries: number[] = [];
  for (const h of hits) {
    const entry = entries[h.entry] as GazetteerEntry;
    if (h.contested || !classifier.inScope[h.entry] || ambiguous(h.entry) || vetoed(h.entry) || personName(h, entry)) continue;
    for (const c of entry.countries) {
      supportCountries.push(c);
      supportEntries.push(h.entry);
    }
  }
  /** Evidence from another entry, of one of `codes` (or of any country when `codes` is null). */
  const supported = (codes: readonly CountryCode[] | null, self: number): boolean => {
    for (let k = 0; k < supportEntries.length; k++) {
      if (supportEntries[k] !== self && (codes === null || codes.includes(supportCountries[k] as CountryCode))) return true;
    }
    return false;
  };

  const rejected: RejectedMatch[] = [];
  const accepted: Hit[] = [];
  const foreign: Hit[] = [];
  const qualified = new Set<Hit>();
  let taken: Hit | undefined;
  for (const h of hits) {
    const entry = entries[h.entry] as GazetteerEntry;
    let reason: RejectedMatch['reason'] | null = null;
    let isQualified = false;
    if (taken && taken.scan === h.scan && taken.match.start === h.match.start) {
      reason = 'other-reading';
    } else if (!classifier.inScope[h.entry]) {
      if (!entry.ambiguous && !vetoed(h.entry)) foreign.push(h);
      reason = 'out-of-scope';
    } else if (personName(h, entry)) {
      reason = 'person-name';
    } else if (vetoed(h.entry)) {
      if (!supported(entry.countries.filter((c) => c !== REGION), h.entry)) reason = 'vetoed';
    } else {
      const window = entry.window ?? config.contextWindow;
      const qualifiers = matcher.qualifiers[h.entry];
      isQualified = qualifiers !== undefined && qualifiers.size > 0 &&
        cueNear(h.scan, qualifiers, h.match.word - window, h.match.lastWord + window, h.match.word, h.match.lastWord);
      if (ambiguous(h.entry)) {
        if (entry.kind === 'person' && beforeCapitalisedName(h.scan, h.match)) reason = 'person-name';
        else if (!isQualified && !supported(entry.support === 'country' ? entry.countries : null, h.entry)) reason = 'unsupported';
      }
    }
    if (reason) {
      rejected.push({ term: h.form.name, text: originalText(h.scan, h.match), field: h.scan.field, countries: entry.countries, reason });
      continue;
    }
    if (isQualified) qualified.add(h);
    accepted.push(h);
    taken = h;
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
    if (
      ANCESTRY_KINDS.has(entry.kind) &&
      (cueNear(h.scan, classifier.ancestryCues, h.match.word - ANCESTRY_BEFORE, h.match.lastWord + ANCESTRY_AFTER) ||
        (entry.kind === 'demonym' && diasporaCompound(h.scan, classifier.diaspora, h.match)))
    ) {
      out.push('ancestry');
    }
    if (field !== 'title' && titleHasForeign && !titleHasOurs) out.push('foreign-headline');
    return out;
  };
  const FACTOR = classifier.factors;

  // Group by (term, field): the most prominent mention sets the factor, repeats saturate.
  interface Group { hit: Hit; count: number; factor: number; discounts: Discount[]; qualified: boolean }
  const groups = new Map<string, Group>();
  for (const h of accepted) {
    const discounts = discountsOf(h);
    const factor = discounts.reduce((f, d) => f * FACTOR[d], 1);
    const key = `${h.entry}|${h.form.name}|${h.scan.field}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { hit: h, count: 1, factor, discounts, qualified: qualified.has(h) });
    else {
      g.count++;
      if (qualified.has(h)) g.qualified = true;
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
    const weight = g.qualified && entry.qualifiedWeight !== undefined ? entry.qualifiedWeight : entry.weight;
    const contribution = weight * config.fieldWeights[g.hit.scan.field] * g.factor * (1 + Math.log(g.count));
    score += contribution;
    for (const c of countries) scores.set(c, (scores.get(c) ?? 0) + contribution);
    if (entry.kind === 'sports') sportsTerm = true;
    matched.push({
      term: g.hit.form.name,
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

  // Sports: a counted sports term (team, athlete, competition), or a sports word in the headline,
  // or two different ones in the headline and lead. Words with other senses (match, league,
  // coach, stadium) are not in the cue set.
  const sportsWords = new Set<number>();
  let sportsInTitle = false;
  for (const s of scans) {
    if (s.field === 'content') continue;
    for (const id of s.cueMatches.keys()) {
      if (!classifier.sportsCues.has(id)) continue;
      sportsWords.add(id);
      if (s.field === 'title') sportsInTitle = true;
    }
  }
  const tags = relevant && (sportsTerm || sportsInTitle || sportsWords.size >= 2) ? ['sports'] : [];

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
