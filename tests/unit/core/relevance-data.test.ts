import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/core/errors';
import { classify, createClassifier, defaultMatcher } from '../../../functions/core/relevance/classify';
import {
  defaultGazetteer,
  defaultRelevanceConfig,
  validateGazetteer,
  validateRelevanceConfig,
  type Gazetteer,
  type GazetteerEntryData,
} from '../../../functions/core/relevance/gazetteer';
import { compileGazetteer, scan, type FormInfo } from '../../../functions/core/relevance/matcher';
import dictionaryDe from 'dictionary-de';
import dictionaryEn from 'dictionary-en';
import dictionaryEs from 'dictionary-es';
import dictionaryFr from 'dictionary-fr';
import dictionaryIt from 'dictionary-it';
import { fold } from '../../../functions/core/text-fold';

const readJson = (path: string): unknown => JSON.parse(readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8'));
const WB6 = ['AL', 'BA', 'XK', 'ME', 'MK', 'RS'];
const DICTIONARIES = { en: dictionaryEn, de: dictionaryDe, it: dictionaryIt, fr: dictionaryFr, es: dictionaryEs };

describe('data/gazetteer.json', () => {
  it('validates against data/gazetteer.schema.json', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const validate = ajv.compile(readJson('data/gazetteer.schema.json') as object);
    const ok = validate(readJson('data/gazetteer.json'));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema rejects what the loader rejects', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const validate = ajv.compile(readJson('data/gazetteer.schema.json') as object);
    const base = { version: '1', cueSets: { sports: ['match'], ancestry: ['born'] } };
    const bad = [
      { ...base, entries: [{ id: 'x', kind: 'country', countries: ['Kosovo'], weight: 3, forms: ['Kosovo'] }] },
      { ...base, entries: [{ id: 'x', kind: 'country', countries: ['XK'], weight: 3, forms: ['Ko*sovo'] }] },
      { ...base, entries: [{ id: 'x', kind: 'planet', countries: ['XK'], weight: 3, forms: ['Kosovo'] }] },
      { ...base, entries: [{ id: 'x', kind: 'country', countries: ['XK'], weight: 0, forms: ['Kosovo'] }] },
      { ...base, entries: [{ id: 'x', kind: 'country', countries: ['XK'], weight: 3, forms: ['Kosovo'], colour: 'red' }] },
    ];
    for (const doc of bad) {
      expect(validate(doc), JSON.stringify(doc)).toBe(false);
      expect(() => validateGazetteer(doc)).toThrowError(ConfigError);
    }
  });

  it('every form belongs to one entry, unless a more specific reading of an ambiguous entry is tried first', () => {
    // Where two entries match the same text, the classifier tries a whole word before a stem and a
    // form that asked for capitals before one that did not; the first must be ambiguous, so that
    // the other reading is the fallback ("Srpska" the Bosnian entity, else "srpska" Serbian).
    const rank = (f: FormInfo): number => (f.wildcard ? 2 : 0) + (f.caseRule === 0 ? 1 : 0);
    const clashes: string[] = [];
    defaultGazetteer.entries.forEach((entry, i) => {
      for (const form of entry.forms) {
        for (const ending of ['', 'a', 'i', 'om']) {
          const sample = fold(form.replace(/^=/, '').replace(/\*/g, ending));
          const best = new Map<number, FormInfo>();
          for (const m of scan(defaultMatcher, sample).terms.filter((t) => t.start === 0)) {
            const info = defaultMatcher.forms[m.id] as FormInfo;
            const had = best.get(info.entry);
            if (!had || rank(info) < rank(had)) best.set(info.entry, info);
          }
          if (!best.has(i)) clashes.push(`${entry.id} "${form}"+${ending}: not matched by its own entry`);
          if (best.size < 2) continue;
          const [first, second, third] = [...best.values()].sort((x, y) => rank(x) - rank(y));
          const ok = !third && first && second && rank(first) < rank(second) && defaultGazetteer.entries[first.entry]?.ambiguous;
          if (!ok) clashes.push(`${entry.id} "${form}"+${ending}: also ${[...best.keys()].map((e) => defaultGazetteer.entries[e]?.id).join(', ')}`);
        }
      }
    });
    expect(clashes).toEqual([]);
  });

  it('no word of English, German, Italian, French or Spanish starts with a single-word stem (Pristin* would take "pristine")', () => {
    // Dictionaries (hunspell word lists, test-only) stand in for common words; a stem's own exact
    // forms in the same entry (Sarajevo beside Sarajev*) are the place itself, not a collision.
    const words = new Map<string, string>();
    for (const [lang, dictionary] of Object.entries(DICTIONARIES)) {
      for (const line of new TextDecoder().decode(dictionary.dic).split('\n').slice(1)) {
        const word = line.split('/')[0]?.trim() ?? '';
        if (word.length >= 3 && !words.has(fold(word))) words.set(fold(word), `${lang}:${word}`);
      }
    }
    expect(words.size).toBeGreaterThan(250_000);
    const sorted = [...words.keys()].sort();
    const startingWith = (prefix: string): string[] => {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((sorted[mid] as string) < prefix) lo = mid + 1;
        else hi = mid;
      }
      const out: string[] = [];
      for (let k = lo; k < sorted.length && (sorted[k] as string).startsWith(prefix); k++) out.push(sorted[k] as string);
      return out;
    };
    const collisions: string[] = [];
    let stems = 0;
    for (const entry of defaultGazetteer.entries) {
      const own = new Set(entry.forms.filter((f) => !f.includes('*')).map((f) => fold(f.replace(/^=/, ''))));
      for (const form of entry.forms) {
        if (!form.endsWith('*') || /[\s-]/.test(form)) continue;
        stems++;
        for (const word of startingWith(fold(form.slice(0, -1)))) if (!own.has(word)) collisions.push(`${entry.id} ${form} ~ ${words.get(word)}`);
      }
    }
    expect(stems).toBeGreaterThan(50);
    expect(collisions).toEqual([]);
  });

  it('shows every match under a plain name: no stem, no "=" (Srbij* is shown as Serbia)', () => {
    for (const entry of defaultGazetteer.entries) {
      expect(entry.names).toHaveLength(entry.forms.length);
      for (const name of entry.names) expect(name, entry.id).not.toMatch(/[*=@]/);
    }
  });

  it('has, for each of the six, names, demonyms, a capital, 15+ towns, leaders and institutions', () => {
    for (const code of WB6) {
      const of = (kinds: string[]): string[] =>
        defaultGazetteer.entries.filter((e) => e.countries.includes(code) && kinds.includes(e.kind)).flatMap((e) => e.forms);
      expect(of(['country']).length, code).toBeGreaterThanOrEqual(8);
      expect(of(['demonym']).length, code).toBeGreaterThanOrEqual(5);
      expect(of(['capital']).length, code).toBeGreaterThanOrEqual(2);
      // Distinct places, not inflections: the first five folded letters of each form.
      const places = new Set(of(['town', 'capital']).map((f) => fold(f).replace(/\*$/, '').slice(0, 5)));
      expect(places.size, code).toBeGreaterThanOrEqual(15);
      expect(of(['person']).length, code).toBeGreaterThanOrEqual(10);
      expect(of(['institution', 'process']).length, code).toBeGreaterThanOrEqual(5);
    }
  });

  it('names the six in the languages of the outlets that cover them', () => {
    const names: Record<string, string[]> = {
      RS: ['Srbija', 'Србија', 'Serbien', 'Serbie', 'Serbia', 'Serbię', 'Σερβία', 'Сърбия', 'Szerbia', 'Sırbistan', 'Sérvia', 'Сербия'],
      XK: ['Kosova', 'Kosovë', 'Kosovo', 'Косово', 'Kosowo', 'Κόσοβο', 'Koszovó'],
      AL: ['Shqipëria', 'Albanien', 'Albanie', 'Albania', 'Albanija', 'Албанија', 'Αλβανία', 'Албания', 'Arnavutluk', 'Albânia'],
      ME: ['Crna Gora', 'Црна Гора', 'Montenegro', 'Monténégro', 'Czarnogóra', 'Črna gora', 'Μαυροβούνιο', 'Черна гора', 'Muntenegru', 'Mali i Zi'],
      MK: ['Северна Македонија', 'Severna Makedonija', 'Nordmazedonien', 'Macédoine du Nord', 'Macedonia del Nord', 'Macedonia del Norte', 'Macedonia Północna', 'Βόρεια Μακεδονία', 'Северна Македония', 'Maqedonia e Veriut', 'Sjeverna Makedonija'],
      BA: ['Bosna i Hercegovina', 'Босна и Херцеговина', 'Bosnien und Herzegowina', 'Bosnie-Herzégovine', 'Bosnia ed Erzegovina', 'Bosnia y Herzegovina', 'Bośnia i Hercegowina', 'Bosna in Hercegovina', 'Βοσνία-Ερζεγοβίνη', 'Bosnia și Herțegovina'],
    };
    for (const [code, list] of Object.entries(names)) {
      for (const name of list) expect(classify({ title: `${name}: the government announces new measures` }).countries, name).toEqual([code]);
    }
  });
});

describe('validateGazetteer', () => {
  const base = { version: '1', cueSets: { sports: ['match'], ancestry: ['born'] } };

  it('names the entry and the value that is wrong', () => {
    const bad = { ...base, entries: [{ id: 'a', forms: ['Kosovo'], countries: ['XK'], weight: 2, kind: 'country' }, { id: 'b', forms: ['x'], countries: ['XK'], weight: 2, kind: 'country' }] };
    expect(() => validateGazetteer(bad)).toThrowError(/entry 1 \(b\): "forms" must be .*\(got \["x"\]\)/);
    expect(() => validateGazetteer({ ...base, entries: [{ id: 'a', forms: ['Kosovo'], countries: ['Kosovo'], weight: 2, kind: 'country' }] })).toThrowError(/"countries"/);
  });

  it('rejects duplicate ids, unknown cue sets and a missing required cue set', () => {
    const entry = { id: 'a', forms: ['Kosovo'], countries: ['XK'], weight: 2, kind: 'country' };
    expect(() => validateGazetteer({ ...base, entries: [entry, entry] })).toThrowError(/"id" must be unique/);
    expect(() => validateGazetteer({ ...base, entries: [{ ...entry, vetoes: ['@nope'] }] })).toThrowError(/unknown cue set.*@nope/);
    expect(() => validateGazetteer({ version: '1', cueSets: { sports: [] }, entries: [entry] })).toThrowError(/"ancestry"/);
  });
});

describe('validateRelevanceConfig', () => {
  it('accepts data/relevance.json and rejects bad values by name', () => {
    expect(validateRelevanceConfig(readJson('data/relevance.json'))).toEqual(defaultRelevanceConfig);
    expect(() => validateRelevanceConfig({ ...defaultRelevanceConfig, threshold: 0 })).toThrowError(/"threshold".*got 0/);
    expect(() => validateRelevanceConfig({ ...defaultRelevanceConfig, scope: ['Serbia'] })).toThrowError(/"scope"/);
    expect(() => validateRelevanceConfig({ ...defaultRelevanceConfig, discounts: { ...defaultRelevanceConfig.discounts, list: 2 } })).toThrowError(/"list"/);
    expect(() => validateRelevanceConfig({ ...defaultRelevanceConfig, colour: 'red' })).toThrowError(/unknown property "colour"/);
  });
});

describe('matcher', () => {
  const gazetteer = (entries: readonly GazetteerEntryData[], cueSets: Gazetteer['cueSets'] = { sports: [], ancestry: [] }): Gazetteer =>
    validateGazetteer({ version: 't', cueSets, entries });
  const texts = (g: Gazetteer, text: string): string[] => {
    const folded = fold(text);
    return scan(compileGazetteer(g), folded).terms.map((m) => folded.slice(m.start, m.end));
  };

  it('matches whole words only', () => {
    const g = gazetteer([{ id: 'a', kind: 'country', countries: ['RS'], weight: 3, forms: ['Serbia', 'Nis'] }]);
    expect(texts(g, 'Serbia, Serbian, Serbias, Nisan, Nis.')).toEqual(['serbia', 'nis']);
  });

  it('a trailing * matches inflections, an inner * a word ending inside a phrase', () => {
    const g = gazetteer([
      { id: 'a', kind: 'country', countries: ['RS'], weight: 3, name: 'Serbia', forms: ['Srbij*'] },
      { id: 'b', kind: 'country', countries: ['ME'], weight: 3, name: 'Montenegro', forms: ['Crn* Gor*'] },
    ]);
    expect(texts(g, 'Vlada Srbije i Srbiji; u Crnoj Gori i Crne Gore, ali ne Srb')).toEqual(['srbije', 'srbiji', 'crnoj gori', 'crne gore']);
  });

  it('phrases match across spaces, hyphens and dashes; # matches a number', () => {
    const g = gazetteer(
      [{ id: 'a', kind: 'process', countries: ['XK', 'RS'], weight: 3, forms: ['Belgrade Pristina dialogue'] }],
      { sports: [], ancestry: [], roads: ['Route #'] },
    );
    expect(texts(g, 'the Belgrade–Pristina dialogue and the Belgrade-Pristina  dialogue')).toHaveLength(2);
    const folded = fold('on Route 27 and Route X');
    const cues = scan(compileGazetteer(g), folded).cues.map((m) => folded.slice(m.start, m.end));
    expect(cues).toEqual(['route 27']);
  });

  it('the longest term wins at a position, and matching resumes after it', () => {
    const g = gazetteer([
      { id: 'a', kind: 'town', countries: ['BA'], weight: 3, forms: ['Republika Srpska'] },
      { id: 'b', kind: 'demonym', countries: ['RS'], weight: 2, forms: [['srpski', 'srpsk*']] },
    ]);
    const matcher = compileGazetteer(g);
    const folded = fold('Republika Srpska i srpska vlada');
    expect(scan(matcher, folded).terms.map((m) => [folded.slice(m.start, m.end), m.word, m.lastWord])).toEqual([
      ['republika srpska', 0, 1],
      ['srpska', 3, 3],
    ]);
  });

  it('compiles thousands of forms into one trie scanned once per word', () => {
    const forms = Array.from({ length: 5000 }, (_, i) => `Town${i}`);
    const g = gazetteer([{ id: 'a', kind: 'town', countries: ['RS'], weight: 2, forms }]);
    expect(texts(g, 'From Town4999 to Town17 and Town50000')).toEqual(['town4999', 'town17']);
  });

  it('a classifier built from a custom gazetteer and config', () => {
    const g = gazetteer([{ id: 'a', kind: 'country', countries: ['RS'], weight: 3, name: 'Serbia', forms: ['Srbij*'] }]);
    const classifier = createClassifier(compileGazetteer(g), { ...defaultRelevanceConfig, threshold: 1 });
    const result = classify({ title: 'Vlada Srbije i građani Srbiji' }, classifier);
    expect(result.matched).toEqual([expect.objectContaining({ term: 'Serbia', text: 'Srbije', field: 'title', count: 2 })]);
    expect(result.countries).toEqual(['RS']);
  });
});
