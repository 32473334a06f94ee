import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/core/errors';
import { bands, defaultNearDuplicateConfig, fingerprint, hammingDistance, isNearDuplicate, validateNearDuplicateConfig } from '../../../functions/core/near-duplicate';

const BODY =
  'The government in Tirana approved a plan on Wednesday to rebuild the coastal road between Vlorë and Sarandë, ' +
  'after storms damaged several sections last winter. The transport ministry said work would start in March and ' +
  'take about two years, with most of the money coming from a loan agreed with a European development bank. ' +
  'Local mayors welcomed the decision but asked for temporary routes to keep villages connected during construction.';
const OTHER =
  'Voters in Podgorica will elect a new city council next month after the previous assembly failed to agree on a mayor. ' +
  'Opinion polls suggest that no list will win a majority, and party leaders have already begun talks about possible ' +
  'coalitions. Election observers from several organisations are expected to monitor the vote and the counting.';

describe('near-duplicate fingerprints', () => {
  it('are deterministic 64-bit hex values', () => {
    const a = fingerprint({ title: 'Road plan', text: BODY });
    expect(a).toEqual(fingerprint({ title: 'Road plan', text: BODY }));
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(a.shingles).toBeGreaterThan(50);
  });

  it('a syndicated copy (new headline, credit line, different case and diacritics) is a near-duplicate; another story is not', () => {
    const original = fingerprint({ title: 'Albania to rebuild coastal road', text: BODY });
    const copy = fingerprint({ title: 'EXCLUSIVE: Tirana approves road plan', text: `${BODY.replace('Vlorë', 'Vlore').replace('Sarandë', 'SARANDE')}\n\nThis story first appeared on Example Wire.` });
    const other = fingerprint({ title: 'Albania to rebuild coastal road', text: OTHER });
    expect(hammingDistance(original.hash, copy.hash)).toBeLessThanOrEqual(defaultNearDuplicateConfig.maxDistance);
    expect(isNearDuplicate(original, copy)).toBe(true);
    expect(isNearDuplicate(original, other)).toBe(false);
    expect(hammingDistance(original.hash, other.hash)).toBeGreaterThan(12);
  });

  it('the same text in Cyrillic and in Latin script folds to the same fingerprint', () => {
    const latin = 'Vlada Srbije je u sredu usvojila plan za izgradnju nove pruge od Beograda do Niša, a radovi počinju na proleće i trajaće četiri godine';
    const cyrillic = 'Влада Србије је у среду усвојила план за изградњу нове пруге од Београда до Ниша, а радови почињу на пролеће и трајаће четири године';
    expect(fingerprint({ title: '', text: latin }).hash).toBe(fingerprint({ title: '', text: cyrillic }).hash);
  });

  it('texts too short to judge count only when identical', () => {
    const a = fingerprint({ title: 'Kosovo talks', text: 'Talks resumed.' });
    const b = fingerprint({ title: 'Kosovo talks', text: 'Talks resumed!' });
    const c = fingerprint({ title: 'Serbia talks', text: 'Talks resumed.' });
    expect(a.shingles).toBeLessThan(defaultNearDuplicateConfig.minShingles);
    expect(isNearDuplicate(a, b)).toBe(true);
    expect(isNearDuplicate(a, c)).toBe(false);
  });

  it('any two hashes within maxDistance bits share at least one band value (what makes the lookup complete)', () => {
    const hex = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    fc.assert(
      fc.property(hex, fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: defaultNearDuplicateConfig.maxDistance }), (n, flips) => {
        const a = n.toString(16).padStart(16, '0');
        const b = flips.reduce((v, bit) => v ^ (1n << BigInt(bit)), n).toString(16).padStart(16, '0');
        expect(hammingDistance(a, b)).toBe(flips.length);
        const shared = bands(a).filter((band) => bands(b).includes(band));
        expect(shared.length).toBeGreaterThan(0);
      }),
    );
  });

  it('cuts the hash into maxDistance + 1 labelled bands', () => {
    expect(bands('0123456789abcdef', { maxDistance: 3 })).toEqual(['0:123', '1:4567', '2:89ab', '3:cdef']);
    expect(bands('ffffffffffffffff')).toHaveLength(defaultNearDuplicateConfig.maxDistance + 1);
  });

  it('rejects a malformed configuration with a ConfigError naming the key and the value', () => {
    const bad = () => validateNearDuplicateConfig({ ...defaultNearDuplicateConfig, maxDistance: 40 }, 'data/near-duplicate.json');
    expect(bad).toThrowError(ConfigError);
    expect(bad).toThrowError('data/near-duplicate.json: "maxDistance" must be an integer from 0 to 15 (got 40)');
    expect(() => validateNearDuplicateConfig({ ...defaultNearDuplicateConfig, window: 3 })).toThrowError(/unknown key "window"/);
  });
  it('GIVEN two items of one feed with the same short teaser and different headlines THEN they are different stories', () => {
    const teaser = 'Kosovo and Serbia agreed to set up a joint commission on missing persons. Kosovo Serbia.';
    const a = fingerprint({ title: 'Kosovo and Serbia: talks resume in Brussels', text: teaser });
    const b = fingerprint({ title: 'Montenegro opens a new border crossing with Albania', text: teaser });
    expect(isNearDuplicate(a, b)).toBe(false);
    // A long text is judged by itself: a new headline does not make it another story.
    const body = Array.from({ length: 12 }, (_, i) => `Sentence ${i} of the same wire story about the talks in Brussels.`).join(' ');
    expect(isNearDuplicate(fingerprint({ title: 'Talks resume', text: body }), fingerprint({ title: 'A wholly new headline', text: body }))).toBe(true);
  });
});
