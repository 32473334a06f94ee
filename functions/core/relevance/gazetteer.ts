import rawGazetteer from '../../../data/gazetteer.json' with { type: 'json' };
import rawConfig from '../../../data/relevance.json' with { type: 'json' };
import { ConfigError } from '../errors';
import { fold } from '../text-fold';
import type { CountryCode } from '../model';

/**
 * The gazetteer (data/gazetteer.json) and the relevance settings (data/relevance.json),
 * validated and compiled once at load into one matcher: a single alternation over every
 * folded form, so an item is scanned once whatever the number of terms.
 */

export type EntryKind =
  | 'country' | 'demonym' | 'capital' | 'town' | 'region' | 'person' | 'institution' | 'process' | 'regional' | 'sports';

export interface GazetteerEntry {
  readonly forms: readonly string[];
  readonly countries: readonly CountryCode[];
  readonly weight: number;
  readonly kind: EntryKind;
  readonly ambiguous?: boolean;
  readonly qualifiers?: readonly string[];
  readonly vetoes?: readonly string[];
  readonly note?: string;
}

export interface Gazetteer {
  readonly version: string;
  readonly entries: readonly GazetteerEntry[];
}

export interface RelevanceConfig {
  readonly threshold: number;
  readonly fieldWeights: { readonly title: number; readonly summary: number; readonly content: number };
  /** Country codes in scope; a deployment may add neighbours. */
  readonly scope: readonly CountryCode[];
  /** A country is tagged when its score is at least this share of the top country's. */
  readonly countryShare: number;
  /** How many words either side of an ambiguous term are searched for a qualifier. */
  readonly contextWindow: number;
}

const KINDS = new Set<EntryKind>([
  'country', 'demonym', 'capital', 'town', 'region', 'person', 'institution', 'process', 'regional', 'sports',
]);

function fail(where: string, message: string, value: unknown): never {
  throw new ConfigError(`${where}: ${message} (got ${JSON.stringify(value)})`, { value: JSON.stringify(value) });
}

/** Validate a parsed gazetteer document; throws a ConfigError naming the entry and the value. */
export function validateGazetteer(doc: unknown, where = 'gazetteer'): Gazetteer {
  if (!doc || typeof doc !== 'object') fail(where, 'must be an object', doc);
  const { version, entries } = doc as { version?: unknown; entries?: unknown };
  if (typeof version !== 'string' || !version) fail(where, '"version" must be a non-empty string', version);
  if (!Array.isArray(entries)) fail(where, '"entries" must be an array', entries);
  entries.forEach((e: unknown, i) => {
    const at = `${where} entry ${i}`;
    if (!e || typeof e !== 'object') fail(at, 'must be an object', e);
    const entry = e as Record<string, unknown>;
    const forms = entry['forms'];
    if (!Array.isArray(forms) || forms.length === 0 || forms.some((f) => typeof f !== 'string' || f.trim().length < 2)) {
      fail(at, '"forms" must be a non-empty array of strings of 2+ characters', forms);
    }
    const countries = entry['countries'];
    if (!Array.isArray(countries) || countries.some((c) => typeof c !== 'string' || !/^[A-Z]{2}$/.test(c))) {
      fail(at, '"countries" must be an array of two-letter codes', countries);
    }
    const weight = entry['weight'];
    if (typeof weight !== 'number' || !(weight > 0 && weight <= 10)) fail(at, '"weight" must be a number in (0, 10]', weight);
    if (!KINDS.has(entry['kind'] as EntryKind)) fail(at, `"kind" must be one of ${[...KINDS].join(', ')}`, entry['kind']);
    for (const key of ['qualifiers', 'vetoes'] as const) {
      const list = entry[key];
      if (list !== undefined && (!Array.isArray(list) || list.some((x) => typeof x !== 'string'))) {
        fail(at, `"${key}" must be an array of strings`, list);
      }
    }
    for (const key of Object.keys(entry)) {
      if (!['forms', 'countries', 'weight', 'kind', 'ambiguous', 'qualifiers', 'vetoes', 'note'].includes(key)) {
        fail(at, `unknown property "${key}"`, key);
      }
    }
  });
  return doc as Gazetteer;
}

export function validateRelevanceConfig(doc: unknown, where = 'relevance config'): RelevanceConfig {
  const c = doc as Partial<RelevanceConfig> | null;
  if (!c || typeof c !== 'object') fail(where, 'must be an object', doc);
  if (typeof c.threshold !== 'number' || c.threshold <= 0) fail(where, '"threshold" must be a positive number', c.threshold);
  const fw = c.fieldWeights;
  if (!fw || ![fw.title, fw.summary, fw.content].every((n) => typeof n === 'number' && n >= 0)) {
    fail(where, '"fieldWeights" must have numeric title, summary and content', fw);
  }
  if (!Array.isArray(c.scope) || c.scope.some((s) => !/^[A-Z]{2}$/.test(String(s)))) {
    fail(where, '"scope" must be an array of two-letter codes', c.scope);
  }
  if (typeof c.countryShare !== 'number' || c.countryShare < 0 || c.countryShare > 1) {
    fail(where, '"countryShare" must be in [0, 1]', c.countryShare);
  }
  if (typeof c.contextWindow !== 'number' || c.contextWindow < 0) fail(where, '"contextWindow" must be >= 0', c.contextWindow);
  return c as RelevanceConfig;
}

/** One folded form as compiled: a prefix when it ended in "*", else an exact phrase. */
interface CompiledForm {
  readonly entry: number;
  readonly form: string;
}

export interface Matcher {
  readonly gazetteer: Gazetteer;
  readonly pattern: RegExp;
  readonly exact: ReadonlyMap<string, readonly CompiledForm[]>;
  readonly prefixes: ReadonlyMap<string, readonly CompiledForm[]>;
  readonly longestPrefix: number;
  readonly qualifiers: readonly (readonly string[])[];
  readonly vetoes: readonly (readonly string[])[];
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Folded form with separators unified, as used for lookups. */
export function lookupKey(text: string): string {
  return text.replace(/[\s\-\u2010-\u2015]+/g, ' ');
}

export function compileGazetteer(gazetteer: Gazetteer): Matcher {
  const exact = new Map<string, CompiledForm[]>();
  const prefixes = new Map<string, CompiledForm[]>();
  const alternatives = new Set<string>();
  let longestPrefix = 0;
  gazetteer.entries.forEach((entry, i) => {
    for (const raw of entry.forms) {
      const wildcard = raw.endsWith('*');
      const key = lookupKey(fold(wildcard ? raw.slice(0, -1) : raw).trim());
      const target = wildcard ? prefixes : exact;
      const list = target.get(key) ?? [];
      list.push({ entry: i, form: raw });
      target.set(key, list);
      if (wildcard) longestPrefix = Math.max(longestPrefix, key.length);
      const body = key.split(' ').map(escape).join('[\\s\\-\\u2010-\\u2015]+');
      alternatives.add(wildcard ? `${body}[\\p{L}\\p{M}]*` : body);
    }
  });
  const sorted = [...alternatives].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${sorted.join('|')})(?![\\p{L}\\p{N}])`, 'gu');
  return {
    gazetteer,
    pattern,
    exact,
    prefixes,
    longestPrefix,
    qualifiers: gazetteer.entries.map((e) => (e.qualifiers ?? []).map((q) => lookupKey(fold(q)))),
    vetoes: gazetteer.entries.map((e) => (e.vetoes ?? []).map((v) => lookupKey(fold(v)))),
  };
}

/** The entries a folded match stands for: the exact form first, else the longest prefix form. */
export function resolveMatch(matcher: Matcher, folded: string): readonly CompiledForm[] {
  const key = lookupKey(folded);
  const hit = matcher.exact.get(key);
  if (hit) return hit;
  for (let len = Math.min(key.length, matcher.longestPrefix); len >= 2; len--) {
    const pre = matcher.prefixes.get(key.slice(0, len));
    if (pre) return pre;
  }
  return [];
}

export const defaultGazetteer: Gazetteer = validateGazetteer(rawGazetteer, 'data/gazetteer.json');
export const defaultRelevanceConfig: RelevanceConfig = validateRelevanceConfig(rawConfig, 'data/relevance.json');
export const defaultMatcher: Matcher = compileGazetteer(defaultGazetteer);
