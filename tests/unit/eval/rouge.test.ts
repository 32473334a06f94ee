import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../functions/core/errors';
import { lcsLength, rouge, rougeL, rougeN, rougeTokens } from '../../../scripts/eval/rouge';
import { evaluateTakeaways, lead3, readEvalRows } from '../../../scripts/eval/takeaways-eval';

describe('ROUGE', () => {
  it('tokenises folded letters and digits', () => {
    expect(rougeTokens('Vučić met Kurti, 2 times!')).toEqual(['vucic', 'met', 'kurti', '2', 'times']);
  });

  it('ROUGE-1 and ROUGE-2 count clipped n-gram matches, F1 of precision and recall', () => {
    const c = rougeTokens('the cat sat on the mat');
    const r = rougeTokens('the cat lay on the mat today');
    // unigrams: the×2, cat, on, mat = 5 matches; P 5/6, R 5/7.
    expect(rougeN(c, r, 1)).toBeCloseTo((2 * (5 / 6) * (5 / 7)) / (5 / 6 + 5 / 7), 10);
    // bigrams: "the cat", "on the", "the mat" = 3; P 3/5, R 3/6.
    expect(rougeN(c, r, 2)).toBeCloseTo((2 * (3 / 5) * (3 / 6)) / (3 / 5 + 3 / 6), 10);
    expect(rougeN(rougeTokens('the the the'), rougeTokens('the'), 1)).toBeCloseTo(0.5, 10);
  });

  it('ROUGE-L uses the longest common subsequence', () => {
    expect(lcsLength(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'b'])).toBe(3);
    expect(rougeL(['a', 'b', 'c', 'd'], ['a', 'c', 'd', 'b'])).toBeCloseTo(0.75, 10);
  });

  it('identical texts score 1, disjoint or empty ones 0', () => {
    expect(rouge(['Kosovo and Serbia met.'], ['Kosovo and Serbia met.'])).toEqual({ rouge1: 1, rouge2: 1, rougeL: 1 });
    expect(rouge(['alpha beta'], ['gamma delta'])).toEqual({ rouge1: 0, rouge2: 0, rougeL: 0 });
    expect(rouge([], ['gamma delta'])).toEqual({ rouge1: 0, rouge2: 0, rougeL: 0 });
  });
});

describe('takeaways evaluation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbnews-eval-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sentences = [
    'The mayor of Tirana opened a new tram line on Sunday after three years of works.',
    'The line links the central square with the university and the main hospital.',
    'Tickets will cost the same as bus tickets for the first year, the city said.',
    'Residents complained about the noise during construction in the old town.',
    'The city plans two more lines by the end of the decade, funded by European loans.',
  ];

  it('scores each article and Lead-3 with the same code, and averages them', () => {
    const file = join(dir, 'ok.jsonl');
    const row = { id: 'a1', title: 'Tirana opens tram line', body: sentences.join(' '), reference_takeaways: ['Tirana opens a new tram line.', 'Two more lines are planned.'] };
    writeFileSync(file, `${JSON.stringify(row)}\n\n${JSON.stringify({ ...row, id: 'a2' })}\n`);
    const rows = readEvalRows(file);
    expect(rows.map((r) => r.id)).toEqual(['a1', 'a2']);
    expect(lead3(row.body)).toEqual(sentences.slice(0, 3));
    const report = evaluateTakeaways(rows);
    expect(report.articles).toHaveLength(2);
    expect(report.articles[0]?.lead3).toEqual(rouge(sentences.slice(0, 3), row.reference_takeaways));
    expect(report.mean.lead3).toEqual(report.articles[0]?.lead3);
    expect(report.articles[0]?.items).toBe(3);
  });

  it('a malformed line is a BadInputError naming the file and line', () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, `${JSON.stringify({ id: 'x', body: 'b', reference_takeaways: ['r'] })}\n{"id": 1}\n`);
    expect(() => readEvalRows(file)).toThrow(BadInputError);
    expect(() => readEvalRows(file)).toThrow(/bad\.jsonl:2/);
    writeFileSync(file, 'nope\n');
    expect(() => readEvalRows(file)).toThrow(/bad\.jsonl:1: invalid JSON/);
  });
});
