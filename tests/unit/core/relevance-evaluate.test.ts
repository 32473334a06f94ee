import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../functions/core/errors';
import { evaluate, parseLabelled, parseLabelledLine } from '../../../functions/core/relevance/evaluate';

const line = (o: object): string => JSON.stringify(o);

describe('evaluate (labelled JSON lines → scores)', () => {
  const text = [
    line({ id: 'a', title: 'Kurti and Vučić meet in Brussels', summary: '', label: 'relevant', countries: ['XK', 'RS'], lang: 'en' }),
    line({ id: 'b', title: 'Dayton, Ohio approves budget', summary: '', label: 'irrelevant', countries: [], kind: 'hard-negative', lang: 'en' }),
    line({ id: 'c', title: 'Protest u Beogradu', summary: 'Studenti blokirali most.', label: 'relevant', countries: ['RS', 'ME'], lang: 'sr-Latn' }),
    '',
    line({ id: 'd', title: 'Stock markets rally in Tokyo', summary: '', label: 'relevant', countries: ['AL'], lang: 'en' }),
    line({ id: 'e', title: 'Croatia joins Schengen; Serbia watches', summary: '', label: 'irrelevant', countries: ['RS'], kind: 'adjacent', lang: 'en' }),
  ].join('\n');

  it('computes precision, recall and F1 of the relevant class', () => {
    const report = evaluate(parseLabelled(text));
    // a, c right; d missed (fn); e flagged (fp); b right negative.
    expect(report.relevant).toMatchObject({ n: 5, tp: 2, fp: 1, fn: 1, tn: 1 });
    expect(report.relevant.precision).toBeCloseTo(2 / 3);
    expect(report.relevant.recall).toBeCloseTo(2 / 3);
    expect(report.relevant.f1).toBeCloseTo(2 / 3);
  });

  it('computes micro-F1 of the country tags, over all items and over relevant ones', () => {
    const report = evaluate(parseLabelled(text));
    // gold: a {XK,RS}, c {RS,ME}, d {AL}; predicted: a {XK,RS}, c {RS}, and e (an irrelevant item) {RS}.
    expect(report.countries.tp).toBe(3);
    expect(report.countries.fn).toBe(2);
    expect(report.countries.fp).toBe(report.misclassified.find((o) => o.item.id === 'e')?.relevance.countries.length);
    expect(report.countriesOnRelevant).toMatchObject({ tp: 3, fp: 0, fn: 2 });
  });

  it('breaks results down per language and per kind, and lists the mistakes with their terms', () => {
    const report = evaluate(parseLabelled(text));
    expect(Object.keys(report.byLanguage)).toEqual(['en', 'sr-Latn']);
    expect(report.byLanguage['sr-Latn']).toMatchObject({ n: 1, tp: 1 });
    expect(report.byKind['hard-negative']).toMatchObject({ n: 1, tn: 1 });
    expect(report.misclassified.map((o) => o.item.id)).toEqual(['d', 'e']);
    expect(report.misclassified[1]?.relevance.matched.map((m) => m.text)).toContain('Serbia');
    expect(report.countryMismatches.map((o) => o.item.id)).toEqual(['c']);
  });

  it('separates headline-only items from items with a lead, and scores the sports tag', () => {
    const report = evaluate(parseLabelled(text));
    expect(report.byShape['headline only']).toMatchObject({ n: 4 });
    expect(report.byShape['with lead']).toMatchObject({ n: 1, tp: 1 });
    const sports = [
      line({ id: 's1', title: 'Kosovo beat Iceland in the Nations League', summary: '', label: 'relevant', countries: ['XK'], kind: 'sports', lang: 'en' }),
      line({ id: 's2', title: 'Montenegro: coach crash kills 12', summary: '', label: 'relevant', countries: ['ME'], lang: 'en' }),
      line({ id: 's3', title: 'Vlahović scores twice for Juventus', summary: '', label: 'relevant', countries: ['RS'], kind: 'sports', lang: 'en' }),
    ].join('\n');
    expect(evaluate(parseLabelled(sports)).sportsTag).toMatchObject({ tp: 2, fp: 0, fn: 0, precision: 1, recall: 1 });
  });

  it('rejects a bad line with its number and what was wrong', () => {
    expect(() => parseLabelledLine('{', 7)).toThrowError(BadInputError);
    expect(() => parseLabelledLine('{', 7)).toThrowError(/line 7: invalid JSON/);
    expect(() => parseLabelledLine(line({ id: 'x', label: 'maybe' }), 3)).toThrowError(/line 3: "label" must be .* \(got "maybe"\)/);
    expect(() => parseLabelledLine(line({ id: 'x', label: 'relevant', countries: 'RS' }), 4)).toThrowError(/"countries"/);
    expect(() => parseLabelledLine('[1]', 5)).toThrowError(/expected a JSON object/);
  });
});
