import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractTakeaways } from '../../functions/core/takeaways/index';
import { evaluateTakeaways, readEvalRows, type EvalReport, type EvalRow } from '../../scripts/eval/takeaways-eval';
import { corporaDir } from './corpora';

// The takeaways-dev set, read in place: every article gets 1-5 verbatim takeaways at their
// offsets, and the extractive takeaways hold the floor at the Lead-3 baseline on ROUGE-1 and
// ROUGE-L (the same ROUGE code scores both: `npm run eval:takeaways -- FILE` prints the table).
let rows: EvalRow[] | undefined;
let report: EvalReport | undefined;
const load = (): EvalRow[] => (rows ??= readEvalRows(join(corporaDir(), 'takeaways-dev', 'articles.jsonl')));
const evaluate = (): EvalReport => (report ??= evaluateTakeaways(load()));

describe('takeaways-dev corpus', () => {
  it('every article yields 1-5 takeaways, each a verbatim span of its body at the stated offsets, in document order', () => {
    const all = load();
    expect(all.length).toBeGreaterThan(200);
    for (const row of all) {
      const result = extractTakeaways({ title: row.title ?? undefined, text: row.body });
      expect(result.items.length, row.id).toBeGreaterThanOrEqual(1);
      expect(result.items.length, row.id).toBeLessThanOrEqual(5);
      for (const t of result.items) expect(row.body.slice(t.start ?? 0, t.end ?? 0), row.id).toBe(t.text);
      const starts = result.items.map((t) => t.start ?? 0);
      expect([...starts].sort((a, b) => a - b), row.id).toEqual(starts);
      for (const q of result.quotes ?? []) expect(row.body.slice(q.start, q.end), row.id).toBe(q.text);
    }
  });

  it('articles of 150+ words get 3-5 extractive takeaways', () => {
    const short = evaluate().articles.filter((a) => a.items < 3);
    expect(short.map((a) => a.id)).toEqual([]);
  });

  it('the extractive takeaways score at least Lead-3 on mean ROUGE-1 and ROUGE-L F1', () => {
    const { ours, lead3 } = evaluate().mean;
    expect(ours.rouge1).toBeGreaterThanOrEqual(lead3.rouge1);
    expect(ours.rougeL).toBeGreaterThanOrEqual(lead3.rougeL);
  });
});
