import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, parseLabelled } from '../../functions/core/relevance/evaluate';
import { corporaDir } from './corpora';

// The floor on the relevance development set (read in place): F1 of the relevant class ≥ 0.92,
// micro-F1 of the country tags ≥ 0.90. `npm run eval:relevance -- FILE` prints the full report.
describe('relevance-dev corpus', () => {
  const report = evaluate(parseLabelled(readFileSync(join(corporaDir(), 'relevance-dev', 'items.jsonl'), 'utf8')));

  it('reads every labelled item', () => {
    expect(report.relevant.n).toBeGreaterThan(300);
  });

  it('F1 of the relevant class is at least 0.92', () => {
    expect(report.relevant.f1, JSON.stringify(report.relevant)).toBeGreaterThanOrEqual(0.92);
  });

  it('micro-F1 of the country tags is at least 0.90', () => {
    expect(report.countries.f1, JSON.stringify(report.countries)).toBeGreaterThanOrEqual(0.9);
  });

  it('hard negatives: at most three false positives', () => {
    const hard = report.byKind['hard-negative'];
    expect(hard?.fp ?? 0).toBeLessThanOrEqual(3);
  });
});
