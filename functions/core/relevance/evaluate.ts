import { BadInputError } from '../errors';
import type { CountryCode, Relevance } from '../model';
import { classifyDetailed, defaultClassifier, type Classifier, type RejectedMatch } from './classify';

/**
 * Measure the classifier on labelled items (the JSON-lines format of the relevance corpora:
 * id, title, summary, content?, label "relevant"|"irrelevant", countries, kind?, lang).
 * Pure: the caller reads the file. `npm run eval:relevance -- FILE` prints the report.
 */

export interface LabelledItem {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly content: string;
  readonly relevant: boolean;
  readonly countries: readonly CountryCode[];
  readonly kind: string;
  readonly lang: string;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

/** Parse one labelled line; throws BadInputError naming the line and what is wrong. */
export function parseLabelledLine(text: string, line: number): LabelledItem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`line ${line}: invalid JSON (${(error as Error).message})`, {}, { cause: error });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new BadInputError(`line ${line}: expected a JSON object`);
  const row = value as Record<string, unknown>;
  const label = row['label'];
  const relevant = label === 'relevant' ? true : label === 'irrelevant' ? false : typeof row['relevant'] === 'boolean' ? row['relevant'] : undefined;
  if (relevant === undefined) {
    throw new BadInputError(`line ${line}: "label" must be "relevant" or "irrelevant" (got ${JSON.stringify(label)})`);
  }
  const countries = row['countries'] ?? [];
  if (!Array.isArray(countries) || countries.some((c) => typeof c !== 'string')) {
    throw new BadInputError(`line ${line}: "countries" must be an array of codes (got ${JSON.stringify(countries)})`);
  }
  return {
    id: str(row['id']) || `line-${line}`,
    title: str(row['title']),
    summary: str(row['summary']),
    content: str(row['content']),
    relevant,
    countries: countries as string[],
    kind: str(row['kind']) || (relevant ? 'relevant' : 'plain'),
    lang: str(row['lang']) || str(row['language']) || 'und',
  };
}

/** Parse a whole JSON-lines text (blank lines skipped). */
export function parseLabelled(text: string): LabelledItem[] {
  const items: LabelledItem[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim()) items.push(parseLabelledLine(line, i + 1));
  });
  return items;
}

export interface BinaryScores {
  readonly n: number;
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly tn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly accuracy: number;
}

export interface CountryScores {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface ItemOutcome {
  readonly item: LabelledItem;
  readonly relevance: Relevance;
  readonly rejected: readonly RejectedMatch[];
}

export interface EvaluationReport {
  readonly relevant: BinaryScores;
  /** Micro-F1 of country tags over all items: gold = countries of relevant items, predicted = countries of items judged relevant. */
  readonly countries: CountryScores;
  /** The same, over the items labelled relevant only. */
  readonly countriesOnRelevant: CountryScores;
  readonly byLanguage: Readonly<Record<string, BinaryScores>>;
  readonly byKind: Readonly<Record<string, BinaryScores>>;
  /** Headline-only items (no summary or content) against items with a lead or body. */
  readonly byShape: Readonly<Record<string, BinaryScores>>;
  /** The `sports` tag on items labelled and judged relevant: gold = kind "sports". */
  readonly sportsTag: CountryScores;
  readonly misclassified: readonly ItemOutcome[];
  /** Items judged correctly relevant whose country tags differ from the label. */
  readonly countryMismatches: readonly ItemOutcome[];
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
const f1 = (p: number, r: number): number => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

function binary(outcomes: readonly ItemOutcome[]): BinaryScores {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (const o of outcomes) {
    const gold = o.item.relevant;
    const pred = o.relevance.relevant;
    if (gold && pred) tp++;
    else if (!gold && pred) fp++;
    else if (gold && !pred) fn++;
    else tn++;
  }
  // With no positives at all (an all-negative group), precision and recall are 1 when nothing was flagged.
  const precision = tp + fp === 0 ? (fn === 0 ? 1 : 0) : tp / (tp + fp);
  const recall = tp + fn === 0 ? (fp === 0 ? 1 : 0) : tp / (tp + fn);
  return { n: outcomes.length, tp, fp, fn, tn, precision, recall, f1: f1(precision, recall), accuracy: ratio(tp + tn, outcomes.length) };
}

function countryScores(outcomes: readonly ItemOutcome[]): CountryScores {
  let tp = 0, fp = 0, fn = 0;
  for (const o of outcomes) {
    const gold = new Set(o.item.relevant ? o.item.countries : []);
    const pred = new Set(o.relevance.relevant ? o.relevance.countries : []);
    for (const c of pred) if (gold.has(c)) tp++; else fp++;
    for (const c of gold) if (!pred.has(c)) fn++;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return { tp, fp, fn, precision, recall, f1: f1(precision, recall) };
}

function groupBy(outcomes: readonly ItemOutcome[], key: (o: ItemOutcome) => string): Record<string, BinaryScores> {
  const groups = new Map<string, ItemOutcome[]>();
  for (const o of outcomes) {
    const k = key(o);
    const list = groups.get(k) ?? [];
    list.push(o);
    groups.set(k, list);
  }
  return Object.fromEntries([...groups.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0])).map(([k, list]) => [k, binary(list)]));
}

function sportsTagScores(outcomes: readonly ItemOutcome[]): CountryScores {
  let tp = 0, fp = 0, fn = 0;
  for (const o of outcomes) {
    const gold = o.item.kind === 'sports';
    const pred = o.relevance.tags.includes('sports');
    if (gold && pred) tp++;
    else if (pred) fp++;
    else if (gold) fn++;
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return { tp, fp, fn, precision, recall, f1: f1(precision, recall) };
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/** Classify every item and compute the report. */
export function evaluate(items: readonly LabelledItem[], classifier: Classifier = defaultClassifier): EvaluationReport {
  const outcomes: ItemOutcome[] = items.map((item) => {
    const { relevance, rejected } = classifyDetailed({ title: item.title, summary: item.summary, content: item.content }, classifier);
    return { item, relevance, rejected };
  });
  return {
    relevant: binary(outcomes),
    countries: countryScores(outcomes),
    countriesOnRelevant: countryScores(outcomes.filter((o) => o.item.relevant)),
    byLanguage: groupBy(outcomes, (o) => o.item.lang),
    byKind: groupBy(outcomes, (o) => o.item.kind),
    byShape: groupBy(outcomes, (o) => (o.item.summary.trim() || o.item.content.trim() ? 'with lead' : 'headline only')),
    sportsTag: sportsTagScores(outcomes.filter((o) => o.item.relevant && o.relevance.relevant)),
    misclassified: outcomes.filter((o) => o.item.relevant !== o.relevance.relevant),
    countryMismatches: outcomes.filter((o) => o.item.relevant && o.relevance.relevant && !sameSet(o.item.countries, o.relevance.countries)),
  };
}
