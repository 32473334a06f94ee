import { foldWithMap } from '../text-fold';
import type { CountryCode, Field, Relevance, RelevanceMatch } from '../model';
import {
  defaultMatcher,
  defaultRelevanceConfig,
  lookupKey,
  resolveMatch,
  type Matcher,
  type RelevanceConfig,
} from './gazetteer';

/**
 * Decide whether an item is Western Balkans coverage, which countries it concerns, and why.
 *
 * Each field is folded (text-fold.ts) and scanned once with the compiled gazetteer. A match
 * counts `weight × fieldWeight`, repeated matches of one term saturate (1 + ln n). Ambiguous
 * terms count only with support (a qualifier nearby, or an unambiguous term of the same country);
 * a veto word anywhere in the item cancels the entry. A country is tagged when it reaches
 * `countryShare` of the top country's score. An item matched only in its body by a single
 * mention is a passing mention, not coverage.
 *
 * @example classify({ title: 'Kurti meets Vučić in Brussels' }).countries // ["XK", "RS"]
 */

export interface ClassifyInput {
  readonly title?: string;
  readonly summary?: string;
  readonly content?: string;
}

interface Hit {
  readonly entry: number;
  /** The gazetteer form that matched, without its wildcard. */
  readonly form: string;
  readonly field: Field;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const FIELDS: readonly Field[] = ['title', 'summary', 'content'];
export const REGION = 'WB';

function scanField(matcher: Matcher, field: Field, text: string, hits: Hit[]): string {
  const { text: folded, map } = foldWithMap(text);
  matcher.pattern.lastIndex = 0;
  for (let m = matcher.pattern.exec(folded); m; m = matcher.pattern.exec(folded)) {
    const start = map[m.index] ?? 0;
    const end = map[m.index + m[0].length] ?? text.length;
    for (const form of resolveMatch(matcher, m[0])) {
      hits.push({ entry: form.entry, form: form.form.replace(/\*$/, ''), field, text: text.slice(start, end), start: m.index, end: m.index + m[0].length });
    }
  }
  return folded;
}

function hasQualifier(folded: string, hit: Hit, qualifiers: readonly string[], window: number): boolean {
  if (qualifiers.length === 0) return false;
  const before = folded.slice(0, hit.start).split(/\s+/).slice(-window - 1).join(' ');
  const after = folded.slice(hit.end).split(/\s+/).slice(0, window + 1).join(' ');
  const context = lookupKey(` ${before} ${after} `);
  return qualifiers.some((q) => context.includes(q));
}

export function classify(
  input: ClassifyInput,
  matcher: Matcher = defaultMatcher,
  config: RelevanceConfig = defaultRelevanceConfig,
): Relevance {
  const hits: Hit[] = [];
  const foldedFields: Record<Field, string> = { title: '', summary: '', content: '' };
  for (const field of FIELDS) {
    const text = input[field];
    if (text) foldedFields[field] = scanField(matcher, field, text, hits);
  }
  const entries = matcher.gazetteer.entries;
  const everything = lookupKey(` ${foldedFields.title} ${foldedFields.summary} ${foldedFields.content} `);

  // Unambiguous support per country, used to accept ambiguous terms.
  const supported = new Set<CountryCode>();
  for (const hit of hits) {
    const entry = entries[hit.entry];
    if (entry && !entry.ambiguous) entry.countries.forEach((c) => supported.add(c));
  }

  const accepted = hits.filter((hit) => {
    const entry = entries[hit.entry];
    if (!entry) return false;
    if ((matcher.vetoes[hit.entry] ?? []).some((v) => everything.includes(v))) return false;
    if (!entry.ambiguous) return true;
    if (entry.countries.some((c) => supported.has(c) && c !== REGION)) return true;
    return hasQualifier(foldedFields[hit.field], hit, matcher.qualifiers[hit.entry] ?? [], config.contextWindow);
  });

  // Saturating counts per (entry, field).
  const counts = new Map<string, { hit: Hit; n: number }>();
  for (const hit of accepted) {
    const key = `${hit.entry}|${hit.field}`;
    const seen = counts.get(key);
    if (seen) seen.n++;
    else counts.set(key, { hit, n: 1 });
  }
  const scores: Record<CountryCode, number> = {};
  let score = 0;
  let headlineScore = 0;
  const matched: RelevanceMatch[] = [];
  for (const { hit, n } of counts.values()) {
    const entry = entries[hit.entry];
    if (!entry) continue;
    const inScope = entry.countries.filter((c) => c === REGION || config.scope.includes(c));
    if (inScope.length === 0) continue;
    const contribution = entry.weight * config.fieldWeights[hit.field] * (1 + Math.log(n));
    score += contribution;
    if (hit.field !== 'content') headlineScore += contribution;
    for (const c of inScope) scores[c] = (scores[c] ?? 0) + contribution;
    matched.push({ term: hit.form, text: hit.text, field: hit.field, countries: inScope, count: n, weight: round(contribution) });
  }

  const contentOnlyPassing = headlineScore === 0 && accepted.length <= 1;
  const relevant = score >= config.threshold && !contentOnlyPassing;

  const ranked = Object.entries(scores)
    .filter(([c]) => c !== REGION)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = ranked[0]?.[1] ?? 0;
  let countries = ranked.filter(([, s]) => s >= top * config.countryShare).map(([c]) => c);
  if (countries.length === 0 && (scores[REGION] ?? 0) > 0) countries = [...config.scope];

  return {
    relevant,
    score: round(score),
    countries: relevant ? countries : [],
    countryScores: Object.fromEntries(Object.entries(scores).map(([c, s]) => [c, round(s)])),
    matched,
    tags: [],
    classifierVersion: classifierVersion(matcher, config),
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export function classifierVersion(matcher: Matcher = defaultMatcher, config: RelevanceConfig = defaultRelevanceConfig): string {
  return `gaz-${matcher.gazetteer.version}/t${config.threshold}/s${config.scope.join('')}`;
}
