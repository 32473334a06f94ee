import { describe, expect, it } from 'vitest';
import { classify } from '../../../functions/core/relevance/classify';
import { compileGazetteer, validateGazetteer } from '../../../functions/core/relevance/gazetteer';
import { ConfigError } from '../../../functions/core/errors';

describe('classify (labelled cases written for the project)', () => {
  it.each([
    [{ title: 'Kurti and Vučić meet in Brussels for talks' }, ['RS', 'XK']],
    [{ title: 'Влада Србије усвојила буџет', summary: 'Скупштина Србије расправља о буџету.' }, ['RS']],
    [{ title: 'Qeveria e Shqipërisë miraton buxhetin', summary: 'Kryeministri Edi Rama tha në Tiranë se buxheti rritet.' }, ['AL']],
    [{ title: 'Parliament in Podgorica elects new speaker', summary: 'Montenegro lawmakers voted late on Tuesday.' }, ['ME']],
    [{ title: 'Dodik defies the High Representative', summary: 'Republika Srpska leader said the entity would not comply.' }, ['BA']],
  ])('relevant: %j', (input, countries) => {
    const result = classify(input);
    expect(result.relevant).toBe(true);
    expect([...result.countries].sort()).toEqual([...countries].sort());
    expect(result.matched.length).toBeGreaterThan(0);
  });

  it.each([
    { title: 'Dayton, Ohio approves new bus routes', summary: 'The city commission in Dayton, Ohio voted on Tuesday.' },
    { title: 'Exhibition on ancient Macedonia opens in Thessaloniki', summary: 'Alexander the Great and the kingdom of Macedon.' },
    { title: 'Amaro Montenegro sales rise in Italy', summary: 'The Bologna liqueur maker reported higher sales.' },
    { title: 'Croatia joins the Schengen area', summary: 'Zagreb celebrated the end of border checks with Slovenia.' },
    { title: 'Rama Navami celebrated across India', summary: 'Devotees of Lord Rama gathered in temples.' },
  ])('not relevant: %j', (input) => {
    expect(classify(input)).toMatchObject({ relevant: false, countries: [] });
  });

  it('a single passing mention deep in the body is not coverage', () => {
    const result = classify({ title: 'EU summit agrees on budget', summary: 'Leaders met in Brussels.', content: 'Delegations from many countries including Serbia attended.' });
    expect(result.relevant).toBe(false);
  });

  it('reports each match with its field and the text as written', () => {
    const result = classify({ title: 'Protest in Beograd', content: 'Students marched through Belgrade.' });
    expect(result.matched).toEqual(expect.arrayContaining([
      expect.objectContaining({ text: 'Beograd', field: 'title', countries: ['RS'] }),
      expect.objectContaining({ text: 'Belgrade', field: 'content', countries: ['RS'] }),
    ]));
  });
});

describe('gazetteer validation', () => {
  it('names the entry and the value that is wrong', () => {
    const bad = { version: '1', entries: [{ forms: ['Kosovo'], countries: ['XK'], weight: 2, kind: 'country' }, { forms: ['x'], countries: ['XK'], weight: 2, kind: 'country' }] };
    expect(() => validateGazetteer(bad)).toThrowError(ConfigError);
    expect(() => validateGazetteer(bad)).toThrowError(/entry 1: "forms" must be/);
    expect(() => validateGazetteer({ version: '1', entries: [{ forms: ['Kosovo'], countries: ['Kosovo'], weight: 2, kind: 'country' }] })).toThrowError(/"countries"/);
  });

  it('compiles wildcard forms that match inflections', () => {
    const matcher = compileGazetteer(validateGazetteer({ version: 't', entries: [{ forms: ['Srbij*'], countries: ['RS'], weight: 3, kind: 'country' }] }));
    const result = classify({ title: 'Vlada Srbije i građani Srbiji' }, matcher, { threshold: 1, fieldWeights: { title: 3, summary: 2, content: 1 }, scope: ['RS'], countryShare: 0.2, contextWindow: 5 });
    expect(result.matched).toEqual([expect.objectContaining({ term: 'Srbij', text: 'Srbije', field: 'title', count: 2 })]);
  });
});
