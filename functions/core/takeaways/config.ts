import raw from '../../../data/takeaways.json' with { type: 'json' };
import { ConfigError } from '../errors';
import { fold } from '../text-fold';

/**
 * The takeaways settings (data/takeaways.json, described by data/takeaways.schema.json),
 * validated once at load and compiled: word lists folded (text-fold.ts) into sets, patterns
 * compiled. A malformed file throws a ConfigError naming the key and the value received.
 */

export interface TakeawaysConfig {
  readonly version: string;
  readonly limits: {
    /** Only the first N characters are read (cut at a line break or space): cost stays bounded. */
    readonly maxChars: number;
    /** Only the first N sentences are ranked (the TextRank graph is built over them alone). */
    readonly maxRankedSentences: number;
  };
  readonly explicit: {
    readonly headings: ReadonlySet<string>;
    readonly bullets: readonly string[];
    readonly minItems: number;
    readonly maxItems: number;
    readonly maxHeadingChars: number;
  };
  readonly sentences: {
    /** Abbreviations that stand before a name and never end a sentence (Mr., Dr., Gen., St.). */
    readonly titleAbbreviations: ReadonlySet<string>;
    /** Abbreviations that end a sentence only when a function word follows (Inc., etc., Jan.). */
    readonly abbreviations: ReadonlySet<string>;
    /** Month abbreviations: a sentence ends after them unless a number follows. */
    readonly monthAbbreviations: ReadonlySet<string>;
    /** a.m., p.m.: a sentence ends after them before a capitalised word not in timeFollowers. */
    readonly timeAbbreviations: ReadonlySet<string>;
    readonly timeFollowers: ReadonlySet<string>;
    /** Words after an ordinal number with a period ("3. Oktober"): no sentence ends there. */
    readonly ordinalNouns: ReadonlySet<string>;
    readonly numberAbbreviations: ReadonlySet<string>;
    readonly quoteSpanMaxChars: number;
  };
  readonly extractive: {
    readonly minItems: number;
    readonly maxItems: number;
    readonly itemsByWords: readonly { readonly belowWords: number; readonly items: number }[];
    readonly minWords: number;
    readonly maxWords: number;
    readonly maxChars: number;
    readonly stemChars: number;
    readonly weights: {
      readonly centrality: number;
      readonly position: number;
      readonly title: number;
      readonly terms: number;
      readonly pronounStart: number;
      readonly quoted: number;
      readonly firstPerson: number;
    };
    readonly positionHalfLife: number;
    readonly idealWords: number;
    readonly lengthPenalty: number;
    readonly mmrLambda: number;
    /** Cosine similarity at or above which a sentence counts as a repeat of one already picked. */
    readonly duplicateCosine: number;
    readonly damping: number;
    readonly iterations: number;
    /** Folded word sequences, longest first. */
    readonly dependentStarts: readonly string[];
    readonly danglingEnds: ReadonlySet<string>;
    readonly pronounStarts: ReadonlySet<string>;
    /** Folded openings that start with a pronoun or demonstrative but lean on nothing ("this week"), longest first. */
    readonly pronounStartExceptions: readonly string[];
    readonly skip: readonly RegExp[];
    readonly stopwords: ReadonlySet<string>;
  };
  readonly quotes: {
    readonly minWords: number;
    readonly maxQuotes: number;
    /** Folded verb phrases, longest first. */
    readonly speechVerbs: readonly string[];
    readonly speakerPronouns: ReadonlySet<string>;
    readonly titles: readonly string[];
    readonly nonNames: ReadonlySet<string>;
    /** Articles skipped before a name or title ("said the minister", "ha detto il premier"). */
    readonly articles: ReadonlySet<string>;
    /** A name right after one of these is an object or a place ("with Palmer", "of Iraq"), not a subject. */
    readonly prepositions: ReadonlySet<string>;
    /** Clause words (but, and, that, which…): never inside a speaker description; before a verb they hand it the sentence's subject. */
    readonly clauseWords: ReadonlySet<string>;
    /** Words of organisation names ("Police", "Society", "Ministry"): a pronoun never stands for them. */
    readonly organisationWords: ReadonlySet<string>;
    readonly malePronouns: ReadonlySet<string>;
    readonly femalePronouns: ReadonlySet<string>;
    /** Titles that tell a person's gender ("Mr", "Mrs", "gospodin"). */
    readonly maleTitles: ReadonlySet<string>;
    readonly femaleTitles: ReadonlySet<string>;
    /** Speech verbs whose object is the listener ("told CNN"): the name after them does not speak. */
    readonly addressVerbs: ReadonlySet<string>;
  };
}

type Json = Record<string, unknown>;

function fail(key: string, message: string, value: unknown): never {
  throw new ConfigError(`data/takeaways.json: "${key}" ${message} (got ${JSON.stringify(value)?.slice(0, 120)})`, {
    value: JSON.stringify(value)?.slice(0, 200),
  });
}

function obj(parent: Json, key: string, path: string): Json {
  const v = parent[key];
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail(`${path}${key}`, 'must be an object', v);
  return v as Json;
}

function num(parent: Json, key: string, path: string, min: number, max: number): number {
  const v = parent[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(`${path}${key}`, `must be a number in [${min}, ${max}]`, v);
  return v as number;
}

function strings(parent: Json, key: string, path: string): string[] {
  const v = parent[key];
  if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string' || s.trim() === '')) {
    fail(`${path}${key}`, 'must be a non-empty array of non-empty strings', v);
  }
  return v as string[];
}

const foldSet = (list: readonly string[]): Set<string> => new Set(list.map((s) => fold(s).trim()));
const longestFirst = (list: readonly string[]): string[] => [...foldSet(list)].sort((a, b) => b.length - a.length || a.localeCompare(b));

/** Validate and compile a parsed takeaways document. */
export function compileTakeawaysConfig(doc: unknown): TakeawaysConfig {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) fail('(root)', 'must be an object', doc);
  const root = doc as Json;
  const version = root['version'];
  if (typeof version !== 'string' || !version) fail('version', 'must be a non-empty string', version);

  const li = obj(root, 'limits', '');
  const ex = obj(root, 'explicit', '');
  const se = obj(root, 'sentences', '');
  const xt = obj(root, 'extractive', '');
  const qu = obj(root, 'quotes', '');
  const w = obj(xt, 'weights', 'extractive.');

  const itemsByWords = xt['itemsByWords'];
  if (!Array.isArray(itemsByWords)) fail('extractive.itemsByWords', 'must be an array', itemsByWords);
  const minItems = num(xt, 'minItems', 'extractive.', 1, 10);
  const maxItems = num(xt, 'maxItems', 'extractive.', minItems, 10);
  const steps = (itemsByWords as unknown[]).map((step, i) => {
    if (!step || typeof step !== 'object') fail(`extractive.itemsByWords[${i}]`, 'must be an object', step);
    const s = step as Json;
    return { belowWords: num(s, 'belowWords', `extractive.itemsByWords[${i}].`, 1, 1e6), items: num(s, 'items', `extractive.itemsByWords[${i}].`, minItems, maxItems) };
  });

  const skip = strings(xt, 'skip', 'extractive.').map((p, i) => {
    try {
      return new RegExp(p, 'iu');
    } catch (cause) {
      return fail(`extractive.skip[${i}]`, `is not a valid regular expression: ${(cause as Error).message}`, p);
    }
  });

  const exMin = num(ex, 'minItems', 'explicit.', 1, 20);
  return {
    version: version as string,
    limits: {
      maxChars: num(li, 'maxChars', 'limits.', 1000, 1e6),
      maxRankedSentences: num(li, 'maxRankedSentences', 'limits.', 10, 2000),
    },
    explicit: {
      headings: foldSet(strings(ex, 'headings', 'explicit.')),
      bullets: strings(ex, 'bullets', 'explicit.'),
      minItems: exMin,
      maxItems: num(ex, 'maxItems', 'explicit.', exMin, 50),
      maxHeadingChars: num(ex, 'maxHeadingChars', 'explicit.', 5, 200),
    },
    sentences: {
      titleAbbreviations: foldSet(strings(se, 'titleAbbreviations', 'sentences.')),
      abbreviations: foldSet(strings(se, 'abbreviations', 'sentences.')),
      monthAbbreviations: foldSet(strings(se, 'monthAbbreviations', 'sentences.')),
      timeAbbreviations: foldSet(strings(se, 'timeAbbreviations', 'sentences.')),
      timeFollowers: foldSet(strings(se, 'timeFollowers', 'sentences.')),
      ordinalNouns: foldSet(strings(se, 'ordinalNouns', 'sentences.')),
      numberAbbreviations: foldSet(strings(se, 'numberAbbreviations', 'sentences.')),
      quoteSpanMaxChars: num(se, 'quoteSpanMaxChars', 'sentences.', 0, 1e5),
    },
    extractive: {
      minItems,
      maxItems,
      itemsByWords: steps.sort((a, b) => a.belowWords - b.belowWords),
      minWords: num(xt, 'minWords', 'extractive.', 1, 100),
      maxWords: num(xt, 'maxWords', 'extractive.', 5, 500),
      maxChars: num(xt, 'maxChars', 'extractive.', 20, 5000),
      stemChars: num(xt, 'stemChars', 'extractive.', 3, 50),
      weights: {
        centrality: num(w, 'centrality', 'extractive.weights.', 0, 10),
        position: num(w, 'position', 'extractive.weights.', 0, 10),
        title: num(w, 'title', 'extractive.weights.', 0, 10),
        terms: num(w, 'terms', 'extractive.weights.', 0, 10),
        pronounStart: num(w, 'pronounStart', 'extractive.weights.', 0, 10),
        quoted: num(w, 'quoted', 'extractive.weights.', 0, 10),
        firstPerson: num(w, 'firstPerson', 'extractive.weights.', 0, 10),
      },
      positionHalfLife: num(xt, 'positionHalfLife', 'extractive.', 0.1, 1000),
      idealWords: num(xt, 'idealWords', 'extractive.', 1, 200),
      lengthPenalty: num(xt, 'lengthPenalty', 'extractive.', 0, 10),
      mmrLambda: num(xt, 'mmrLambda', 'extractive.', 0, 1),
      duplicateCosine: num(xt, 'duplicateCosine', 'extractive.', 0, 1),
      damping: num(xt, 'damping', 'extractive.', 0, 1),
      iterations: num(xt, 'iterations', 'extractive.', 1, 1000),
      dependentStarts: longestFirst(strings(xt, 'dependentStarts', 'extractive.')),
      danglingEnds: foldSet(strings(xt, 'danglingEnds', 'extractive.')),
      pronounStarts: foldSet(strings(xt, 'pronounStarts', 'extractive.')),
      pronounStartExceptions: longestFirst(strings(xt, 'pronounStartExceptions', 'extractive.')),
      skip,
      stopwords: foldSet(strings(xt, 'stopwords', 'extractive.')),
    },
    quotes: {
      minWords: num(qu, 'minWords', 'quotes.', 1, 100),
      maxQuotes: num(qu, 'maxQuotes', 'quotes.', 0, 100),
      speechVerbs: longestFirst(strings(qu, 'speechVerbs', 'quotes.')),
      speakerPronouns: foldSet(strings(qu, 'speakerPronouns', 'quotes.')),
      titles: longestFirst(strings(qu, 'titles', 'quotes.')),
      nonNames: foldSet(strings(qu, 'nonNames', 'quotes.')),
      articles: foldSet(strings(qu, 'articles', 'quotes.')),
      prepositions: foldSet(strings(qu, 'prepositions', 'quotes.')),
      clauseWords: foldSet(strings(qu, 'clauseWords', 'quotes.')),
      organisationWords: foldSet(strings(qu, 'organisationWords', 'quotes.')),
      malePronouns: foldSet(strings(qu, 'malePronouns', 'quotes.')),
      femalePronouns: foldSet(strings(qu, 'femalePronouns', 'quotes.')),
      maleTitles: foldSet(strings(qu, 'maleTitles', 'quotes.')),
      femaleTitles: foldSet(strings(qu, 'femaleTitles', 'quotes.')),
      addressVerbs: foldSet(strings(qu, 'addressVerbs', 'quotes.')),
    },
  };
}

/** The reviewed settings, compiled once at load. */
export const takeawaysConfig: TakeawaysConfig = compileTakeawaysConfig(raw);
