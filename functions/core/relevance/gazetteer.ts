import rawGazetteer from '../../../data/gazetteer.json' with { type: 'json' };
import rawConfig from '../../../data/relevance.json' with { type: 'json' };
import { ConfigError } from '../errors';
import type { CountryCode } from '../model';

/**
 * The gazetteer (data/gazetteer.json, described by data/gazetteer.schema.json) and the relevance
 * settings (data/relevance.json), validated once at load. `matcher.ts` compiles the gazetteer
 * into one trie so an item is scanned once whatever the number of terms.
 */

export type EntryKind =
  | 'country' | 'demonym' | 'capital' | 'town' | 'region' | 'person' | 'institution' | 'process' | 'regional' | 'sports';

export const ENTRY_KINDS: readonly EntryKind[] = [
  'country', 'demonym', 'capital', 'town', 'region', 'person', 'institution', 'process', 'regional', 'sports',
];

/** Where an ambiguous term looks for supporting evidence. */
export type Support = 'region' | 'country';

export interface GazetteerEntry {
  /** Stable identifier, e.g. "rs-country"; shown in explanations and used in tests. */
  readonly id: string;
  readonly kind: EntryKind;
  /** Country codes (ISO 3166 alpha-2, XK for Kosovo) or WB for the region as a whole. */
  readonly countries: readonly CountryCode[];
  readonly weight: number;
  /**
   * Written forms, flattened from the data file's groups. A trailing `*` on a word matches any
   * ending (Srbij* → Srbija, Srbiji); a leading `=` asks for the spelling as written, diacritics
   * and script included (=Prištine is not "pristine"). Capitals count too: see data/gazetteer.schema.json.
   */
  readonly forms: readonly string[];
  /** The name shown for each form (same index): its group's first form, else the entry's `name`, else the form itself. */
  readonly names: readonly string[];
  /** Counts only with support: an unambiguous in-scope term, or a qualifier nearby. */
  readonly ambiguous?: boolean;
  /** Cue words or `@sets` whose presence anywhere in the item makes the entry ambiguous ("Montenegro" in Spanish or Portuguese text, where it is a common surname). */
  readonly ambiguousWith?: readonly string[];
  /** For ambiguous entries: "region" (default) accepts any unambiguous in-scope term, "country" only one of the same country. */
  readonly support?: Support;
  /** Words or `@set` names that, within `window` words of the match, make an ambiguous term count, and raise any mention to `qualifiedWeight`. */
  readonly qualifiers?: readonly string[];
  /** Words either side searched for a qualifier; default: the config's `contextWindow`. */
  readonly window?: number;
  /** The weight of a mention with a qualifier within the window ("Serbian" beside "president" weighs as much as "Serbia"). */
  readonly qualifiedWeight?: number;
  /** Words or `@set` names that anywhere in the item cancel this reading (Ohio for Dayton). */
  readonly vetoes?: readonly string[];
  readonly note?: string;
}

/** An entry as the data file writes it: `forms` may hold `[name, form...]` groups, and `name` names the plain forms. */
export type GazetteerEntryData = Omit<GazetteerEntry, 'forms' | 'names'> & {
  readonly name?: string;
  readonly forms: readonly (string | readonly string[])[];
};

export interface Gazetteer {
  readonly version: string;
  /** Named lists of cue words, referenced as `@name` from qualifiers and vetoes, and by the classifier (sports, ancestry). */
  readonly cueSets: Readonly<Record<string, readonly string[]>>;
  readonly entries: readonly GazetteerEntry[];
}

export interface RelevanceConfig {
  /** An item is relevant when its score reaches this. */
  readonly threshold: number;
  readonly fieldWeights: { readonly title: number; readonly summary: number; readonly content: number };
  /** Country codes in scope; a deployment may add neighbours (their terms are in the gazetteer). */
  readonly scope: readonly CountryCode[];
  /** The countries a region-wide item (WB terms only) is tagged with, when in scope. */
  readonly region: readonly CountryCode[];
  /** A country is tagged when its score is at least this share of the top country's. */
  readonly countryShare: number;
  /** How many words either side of an ambiguous term are searched for a qualifier. */
  readonly contextWindow: number;
  /** Mentions starting this many characters or more into the summary or content are "late". */
  readonly leadChars: number;
  /** Multipliers for mentions that are not the subject: late, in a long list of other countries, ancestry, under a foreign headline. */
  readonly discounts: {
    readonly late: number;
    readonly list: number;
    readonly ancestry: number;
    readonly foreignHeadline: number;
  };
  /** A run of this many or more comma/dash-separated short items is a list. */
  readonly listMinItems: number;
}

const KINDS = new Set<string>(ENTRY_KINDS);
const ENTRY_KEYS = new Set([
  'id', 'kind', 'countries', 'weight', 'name', 'forms', 'ambiguous', 'ambiguousWith', 'support', 'qualifiers', 'window', 'qualifiedWeight', 'vetoes', 'note',
]);
const CODE = /^[A-Z]{2}$/;
/** Cue sets the classifier itself reads and every gazetteer defines. */
export const REQUIRED_CUE_SETS = ['sports', 'ancestry'] as const;
/** Cue sets the classifier reads when a gazetteer defines them: given names and name openers (a place right after "Fernanda" or "Hotel" is part of a name), and the nationalities of a diaspora ("Albanian-American"). */
export const OPTIONAL_CUE_SETS = ['given-names', 'name-openers', 'diaspora'] as const;

function fail(where: string, message: string, value: unknown): never {
  throw new ConfigError(`${where}: ${message} (got ${JSON.stringify(value)})`, { value: JSON.stringify(value) });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkForms(at: string, key: string, list: unknown, cueSets?: Record<string, unknown>): void {
  if (!Array.isArray(list) || list.some((f) => typeof f !== 'string' || f.trim().length < 2)) {
    fail(at, `"${key}" must be an array of strings of 2+ characters`, list);
  }
  for (const f of list as string[]) {
    if (f.startsWith('@')) {
      if (!cueSets) fail(at, `"${key}" cannot reference a cue set`, f);
      if (!(f.slice(1) in cueSets)) fail(at, `"${key}" references unknown cue set`, f);
    } else if (/\*(?!\s|$)/.test(f)) {
      fail(at, `"${key}": "*" may only end a word`, f);
    } else if (f.includes('=') && (key !== 'forms' || f.lastIndexOf('=') !== 0 || f.includes('*') || f.length < 3)) {
      fail(at, `"${key}": "=" may only open a form without "*" (spelling as written)`, f);
    }
  }
}

/** Flatten an entry's forms and [name, form...] groups; each form gets the name shown for it. */
function flattenForms(at: string, e: Record<string, unknown>): { forms: string[]; names: string[] } {
  const raw = e['forms'];
  if (!Array.isArray(raw) || raw.length === 0) fail(at, '"forms" must be a non-empty array of forms and [name, form...] groups', raw);
  const name = e['name'];
  if (name !== undefined && (typeof name !== 'string' || /[*=@]/.test(name) || name.trim().length < 2)) {
    fail(at, '"name" must be a plain name (no *, = or @)', name);
  }
  const forms: string[] = [];
  const names: string[] = [];
  for (const item of raw as unknown[]) {
    const isGroup = Array.isArray(item);
    const group: unknown[] = isGroup ? item : [item];
    if (isGroup && group.length < 2) fail(at, 'a form group is [name, form...] with at least two strings', item);
    checkForms(at, 'forms', group);
    const head = group[0] as string;
    if (isGroup && /[*=]/.test(head)) fail(at, 'a form group starts with its plain name (no * or =)', item);
    for (const f of group as string[]) {
      if (f.startsWith('@')) fail(at, '"forms" must name words, not cue sets', f);
      const shown = isGroup ? head : typeof name === 'string' ? name : f;
      if (/[*=]/.test(shown)) fail(at, `form "${f}" needs a name to show: put it in a [name, form...] group or give the entry a "name"`, f);
      forms.push(f);
      names.push(shown);
    }
  }
  return { forms, names };
}

/**
 * Validate a parsed gazetteer document (the same rules as data/gazetteer.schema.json, plus the
 * cross-references a schema cannot express); throws a ConfigError naming the entry and the value.
 */
export function validateGazetteer(doc: unknown, where = 'gazetteer'): Gazetteer {
  if (!isRecord(doc)) fail(where, 'must be an object', doc);
  for (const key of Object.keys(doc)) {
    if (!['$schema', 'version', 'cueSets', 'entries'].includes(key)) fail(where, `unknown property "${key}"`, key);
  }
  const { version, entries } = doc;
  const cueSets = doc['cueSets'] ?? {};
  if (typeof version !== 'string' || !version) fail(where, '"version" must be a non-empty string', version);
  if (!isRecord(cueSets)) fail(where, '"cueSets" must be an object of string arrays', cueSets);
  for (const [name, list] of Object.entries(cueSets)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) fail(`${where} cueSets`, 'set names are lower-case words', name);
    checkForms(`${where} cueSets.${name}`, name, list);
  }
  for (const name of REQUIRED_CUE_SETS) if (!(name in cueSets)) fail(where, `"cueSets" must define "${name}"`, Object.keys(cueSets));
  if (!Array.isArray(entries) || entries.length === 0) fail(where, '"entries" must be a non-empty array', entries);
  const ids = new Set<string>();
  const out: GazetteerEntry[] = [];
  entries.forEach((e: unknown, i) => {
    if (!isRecord(e)) fail(`${where} entry ${i}`, 'must be an object', e);
    const at = `${where} entry ${i}${typeof e['id'] === 'string' ? ` (${e['id']})` : ''}`;
    for (const key of Object.keys(e)) if (!ENTRY_KEYS.has(key)) fail(at, `unknown property "${key}"`, key);
    if (typeof e['id'] !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(e['id'])) fail(at, '"id" must be a lower-case slug', e['id']);
    if (ids.has(e['id'])) fail(at, '"id" must be unique', e['id']);
    ids.add(e['id']);
    if (!KINDS.has(e['kind'] as string)) fail(at, `"kind" must be one of ${ENTRY_KINDS.join(', ')}`, e['kind']);
    const countries = e['countries'];
    if (!Array.isArray(countries) || countries.length === 0 || countries.some((c) => typeof c !== 'string' || !CODE.test(c))) {
      fail(at, '"countries" must be a non-empty array of two-letter codes', countries);
    }
    const weight = e['weight'];
    if (typeof weight !== 'number' || !(weight > 0 && weight <= 10)) fail(at, '"weight" must be a number in (0, 10]', weight);
    const { forms, names } = flattenForms(at, e);
    if (e['ambiguous'] !== undefined && typeof e['ambiguous'] !== 'boolean') fail(at, '"ambiguous" must be a boolean', e['ambiguous']);
    if (e['support'] !== undefined && e['support'] !== 'region' && e['support'] !== 'country') {
      fail(at, '"support" must be "region" or "country"', e['support']);
    }
    for (const key of ['qualifiers', 'vetoes', 'ambiguousWith'] as const) if (e[key] !== undefined) checkForms(at, key, e[key], cueSets);
    const window = e['window'];
    if (window !== undefined && (typeof window !== 'number' || !Number.isInteger(window) || window < 0)) fail(at, '"window" must be an integer >= 0', window);
    const qw = e['qualifiedWeight'];
    if (qw !== undefined && (typeof qw !== 'number' || !(qw > 0 && qw <= 10))) fail(at, '"qualifiedWeight" must be a number in (0, 10]', qw);
    if (qw !== undefined && e['qualifiers'] === undefined) fail(at, '"qualifiedWeight" needs "qualifiers"', qw);
    if (e['note'] !== undefined && typeof e['note'] !== 'string') fail(at, '"note" must be a string', e['note']);
    const entry = { ...e, forms, names } as Record<string, unknown>;
    delete entry['name'];
    out.push(entry as unknown as GazetteerEntry);
  });
  return { version, cueSets: cueSets as Record<string, string[]>, entries: out };
}

function positive(where: string, c: Record<string, unknown>, key: string, max = Infinity): number {
  const v = c[key];
  if (typeof v !== 'number' || !(v > 0) || v > max) fail(where, `"${key}" must be a number in (0, ${max}]`, v);
  return v;
}

/** Validate data/relevance.json (or a deployment's own); throws a ConfigError naming the key and the value. */
export function validateRelevanceConfig(doc: unknown, where = 'relevance config'): RelevanceConfig {
  if (!isRecord(doc)) fail(where, 'must be an object', doc);
  const known = ['threshold', 'fieldWeights', 'scope', 'region', 'countryShare', 'contextWindow', 'leadChars', 'discounts', 'listMinItems'];
  for (const key of Object.keys(doc)) if (!known.includes(key)) fail(where, `unknown property "${key}"`, key);
  positive(where, doc, 'threshold');
  const fw = doc['fieldWeights'];
  if (!isRecord(fw) || !['title', 'summary', 'content'].every((k) => typeof fw[k] === 'number' && (fw[k] as number) >= 0)) {
    fail(where, '"fieldWeights" must have numeric title, summary and content (>= 0)', fw);
  }
  for (const key of ['scope', 'region']) {
    const list = doc[key];
    if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string' || !CODE.test(s))) {
      fail(where, `"${key}" must be a non-empty array of two-letter codes`, list);
    }
  }
  const share = doc['countryShare'];
  if (typeof share !== 'number' || share < 0 || share > 1) fail(where, '"countryShare" must be in [0, 1]', share);
  const window = doc['contextWindow'];
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 0) fail(where, '"contextWindow" must be an integer >= 0', window);
  positive(where, doc, 'leadChars');
  const listMin = doc['listMinItems'];
  if (typeof listMin !== 'number' || !Number.isInteger(listMin) || listMin < 2) fail(where, '"listMinItems" must be an integer >= 2', listMin);
  const d = doc['discounts'];
  if (!isRecord(d)) fail(where, '"discounts" must be an object', d);
  for (const key of ['late', 'list', 'ancestry', 'foreignHeadline']) positive(`${where} discounts`, d, key, 1);
  for (const key of Object.keys(d)) if (!['late', 'list', 'ancestry', 'foreignHeadline'].includes(key)) fail(`${where} discounts`, `unknown property "${key}"`, key);
  return doc as unknown as RelevanceConfig;
}

export const defaultGazetteer: Gazetteer = validateGazetteer(rawGazetteer, 'data/gazetteer.json');
export const defaultRelevanceConfig: RelevanceConfig = validateRelevanceConfig(rawConfig, 'data/relevance.json');
