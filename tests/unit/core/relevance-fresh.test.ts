import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate, parseLabelled } from '../../../functions/core/relevance/evaluate';

// A labelled set written for the project (fixtures/relevance-fresh.jsonl: realistic headlines and
// leads in 25 languages and several scripts, with namesakes, polysemous words, neighbours, passing
// mentions and headline-only items). It is our own text, not taken from any corpus. Items
// fresh-b* were written after the first round of fixes and measured before any tuning on them. The floors
// below hold the classifier to the product goal (F1 ≥ 0.95 on items it was not tuned on); the
// residual misses are listed by `npm run eval:relevance -- tests/unit/core/fixtures/relevance-fresh.jsonl`.
const items = parseLabelled(readFileSync(new URL('./fixtures/relevance-fresh.jsonl', import.meta.url), 'utf8'));
const report = evaluate(items);

describe('fresh labelled set (our own text)', () => {
  it('is the set the brief asks for: 150+ items, 50+ hard negatives, 40+ headline-only, many languages', () => {
    expect(items.length).toBeGreaterThanOrEqual(150);
    expect(items.filter((i) => i.kind === 'hard-negative').length).toBeGreaterThanOrEqual(50);
    expect(items.filter((i) => !i.summary && !i.content).length).toBeGreaterThanOrEqual(40);
    expect(new Set(items.map((i) => i.lang)).size).toBeGreaterThanOrEqual(15);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  });

  it('F1 of the relevant class is at least 0.95', () => {
    expect(report.relevant.f1, JSON.stringify(report.relevant)).toBeGreaterThanOrEqual(0.95);
  });

  it('headline-only items are found (recall ≥ 0.9)', () => {
    const headlines = report.byShape['headline only'];
    expect(headlines?.recall, JSON.stringify(headlines)).toBeGreaterThanOrEqual(0.9);
  });

  it('hard negatives: at most three false positives', () => {
    expect(report.byKind['hard-negative']?.fp ?? 0).toBeLessThanOrEqual(3);
  });

  it('micro-F1 of the country tags is at least 0.95', () => {
    expect(report.countries.f1, JSON.stringify(report.countries)).toBeGreaterThanOrEqual(0.95);
  });

  it('the sports tag marks no item that is not sports, and nearly all that are', () => {
    // The one miss is a Serbian footballer who shares his surname with Montenegro's prime minister.
    expect(report.sportsTag.fp, JSON.stringify(report.sportsTag)).toBe(0);
    expect(report.sportsTag.recall, JSON.stringify(report.sportsTag)).toBeGreaterThanOrEqual(0.9);
  });
});
