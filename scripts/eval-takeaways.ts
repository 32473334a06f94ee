import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeError } from '../functions/core/errors';
import { evaluateTakeaways, readEvalRows } from './eval/takeaways-eval';
import type { RougeScores } from './eval/rouge';

// `npm run eval:takeaways -- FILE [--json]`: ROUGE-1/2/L F1 of the extractive takeaways and of
// Lead-3 against each article's reference_takeaways, per article and on average. A table goes
// to stdout; with --json, one JSON line per article and a final {"type":"mean"} line instead.
const { values, positionals } = parseArgs({ options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
const given = positionals[0];
if (!given) {
  console.error('usage: npm run eval:takeaways -- FILE.jsonl|DIR [--json]   (e.g. ../shared/corpora/takeaways-dev/articles.jsonl, or its folder)');
  process.exit(2);
}
// A corpus folder stands for its articles.jsonl.
const file = existsSync(given) && statSync(given).isDirectory() ? join(given, 'articles.jsonl') : given;

let report;
try {
  report = evaluateTakeaways(readEvalRows(file));
} catch (error) {
  console.error(`eval:takeaways: ${describeError(error).message}`);
  process.exit(2);
}

const pct = (x: number): string => (100 * x).toFixed(1).padStart(5);
const trio = (s: RougeScores): string => `${pct(s.rouge1)} ${pct(s.rouge2)} ${pct(s.rougeL)}`;
const round = (s: RougeScores): RougeScores => ({
  rouge1: Number(s.rouge1.toFixed(4)),
  rouge2: Number(s.rouge2.toFixed(4)),
  rougeL: Number(s.rougeL.toFixed(4)),
});

if (values.json) {
  for (const a of report.articles) console.log(JSON.stringify({ type: 'article', id: a.id, items: a.items, ours: round(a.ours), lead3: round(a.lead3) }));
  console.log(JSON.stringify({ type: 'mean', articles: report.articles.length, ours: round(report.mean.ours), lead3: round(report.mean.lead3) }));
} else {
  const width = Math.min(48, Math.max(8, ...report.articles.map((a) => a.id.length)));
  console.log(`${'article'.padEnd(width)}  n |  ours R1    R2    RL | lead3 R1    R2    RL`);
  for (const a of report.articles) {
    console.log(`${a.id.slice(0, width).padEnd(width)} ${String(a.items).padStart(2)} | ${trio(a.ours)}    | ${trio(a.lead3)}`);
  }
  const m = report.mean;
  console.log(`${`mean of ${report.articles.length}`.padEnd(width)}    | ${trio(m.ours)}    | ${trio(m.lead3)}`);
  const delta = (k: keyof RougeScores): string => `${k} ${m.ours[k] >= m.lead3[k] ? '+' : ''}${(100 * (m.ours[k] - m.lead3[k])).toFixed(2)}`;
  console.log(`ours - lead3: ${delta('rouge1')}, ${delta('rouge2')}, ${delta('rougeL')} (F1 points)`);
}
