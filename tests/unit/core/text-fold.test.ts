import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold, foldWithMap, isWordCode, originalIndex } from '../../../functions/core/text-fold';

describe('fold', () => {
  it.each([
    ['Србија', 'srbija'],
    ['SRBIJA', 'srbija'],
    ['Приштина и Kosovë', 'pristina i kosove'],
    ['Ђоковић', 'djokovic'],
    ['Đoković', 'djokovic'],
    ['Џеко', 'dzeko'],
    ['Љубљана', 'ljubljana'],
    ['Његош', 'njegos'],
    ['Северна Македонија', 'severna makedonija'],
    ['Ѓорѓи, Ќерка, Ѕвезда', 'gjorgji, kjerka, dzvezda'],
    ['Сърбия', 'srbija'],
    ['Сербія', 'serbija'],
    ['Черногория', 'cernogorija'],
    ['Shqipëria', 'shqiperia'],
    ['Korçë', 'korce'],
    ['Bucureşti', 'bucuresti'],
    ['București', 'bucuresti'],
    ['Čačak, Šabac, Žabljak', 'cacak, sabac, zabljak'],
    ['Łódź', 'lodz'],
    ['Straße', 'strasse'],
    ['İstanbul', 'istanbul'],
    ['Σερβίας', 'σερβιασ'],
    ['ΣΕΡΒΙΑΣ', 'σερβιασ'],
    ['Ｋｏｓｏｖｏ', 'kosovo'],
    ['Kosovo\u2019s', "kosovo's"],
    ['Monte\u0301ne\u0301gro', 'montenegro'],
    ['plain ascii', 'plain ascii'],
  ])('%s → %s', (input, expected) => {
    expect(fold(input)).toBe(expected);
  });

  it('folds the same word in every script to one key', () => {
    expect(new Set(['Beograd', 'БЕОГРАД', 'Београд', 'beograd']).size).toBe(4);
    expect(new Set(['Beograd', 'БЕОГРАД', 'Београд', 'beograd'].map(fold))).toEqual(new Set(['beograd']));
  });
});

describe('foldWithMap', () => {
  it('keeps no map for ASCII, whose positions do not move', () => {
    expect(foldWithMap('Kosovo and Serbia')).toEqual({ text: 'kosovo and serbia', map: null });
  });

  it('maps folded positions back to the original text', () => {
    const original = 'Ђоковић и Џеко';
    const folded = foldWithMap(original);
    expect(folded.text).toBe('djokovic i dzeko');
    const start = folded.text.indexOf('dzeko');
    expect(original.slice(originalIndex(folded, start), originalIndex(folded, start + 'dzeko'.length))).toBe('Џеко');
  });

  it('property: the map is non-decreasing, within the original, and ends at its length', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const folded = foldWithMap(s);
        expect(folded.text).toBe(fold(s));
        if (!folded.map) return;
        expect(folded.map.length).toBe(folded.text.length + 1);
        expect(folded.map[folded.map.length - 1]).toBe(s.length);
        for (let i = 1; i < folded.map.length; i++) expect(folded.map[i]).toBeGreaterThanOrEqual(folded.map[i - 1] as number);
      }),
    );
  });

  it('property: folding is idempotent on folded text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(fold(fold(s))).toBe(fold(s));
      }),
    );
  });
});

describe('isWordCode', () => {
  it('treats letters and digits of any script as word characters, punctuation as not', () => {
    for (const ch of ['a', 'Z', '7', 'ж', 'σ', 'ë', 'ص']) expect(isWordCode(ch.charCodeAt(0)), ch).toBe(true);
    for (const ch of [' ', '-', "'", ',', '.', '\u2013', '«']) expect(isWordCode(ch.charCodeAt(0)), ch).toBe(false);
  });
});
