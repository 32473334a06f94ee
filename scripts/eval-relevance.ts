import { readFileSync } from 'node:fs';
import { evaluate, parseLabelled, type BinaryScores, type ItemOutcome } from '../functions/core/relevance/evaluate';
import { describeError } from '../functions/core/errors';

// `npm run eval:relevance -- FILE [--json] [--all]`: the relevance classifier over a labelled
// JSON-lines file (fields as in ../shared/corpora/relevance-dev/items.jsonl), read in place.
// Prints precision, recall and F1 of the relevant class, micro-F1 of the country tags, results
// per language and per kind, and the misclassified items with their matched terms.
// --json prints the report as one JSON object instead; --all also lists country mismatches.

// A closed pipe (`| head`) ends the report quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: npm run eval:relevance -- FILE [--json] [--all]   (e.g. ../shared/corpora/relevance-dev/items.jsonl)');
  process.exit(2);
}
let text: string;
try {
  text = readFileSync(file, 'utf8');
} catch (error) {
  console.error(`eval:relevance: cannot read ${file}: ${(error as Error).message}`);
  process.exit(2);
}
let items;
try {
  items = parseLabelled(text);
} catch (error) {
  console.error(`eval:relevance: ${file}: ${describeError(error).message}`);
  process.exit(2);
}
const report = evaluate(items);

if (args.includes('--json')) {
  console.log(JSON.stringify(report));
  process.exit(0);
}

const pct = (n: number): string => (n * 100).toFixed(1).padStart(5);
const line = (name: string, s: BinaryScores): string =>
  `${name.padEnd(18)} n=${String(s.n).padStart(4)}  P ${pct(s.precision)}  R ${pct(s.recall)}  F1 ${pct(s.f1)}  acc ${pct(s.accuracy)}  (tp ${s.tp} fp ${s.fp} fn ${s.fn} tn ${s.tn})`;
const describe = (o: ItemOutcome): string => {
  const r = o.relevance;
  const gold = `${o.item.relevant ? 'relevant' : 'irrelevant'}${o.item.countries.length ? ` [${o.item.countries.join(',')}]` : ''}`;
  const got = `${r.relevant ? 'relevant' : 'irrelevant'} score ${r.score}${r.countries.length ? ` [${r.countries.join(',')}]` : ''}`;
  const matched = r.matched.map((m) => `${m.field}:"${m.text}"→${m.countries.join('+')} ${m.weight}${m.discounts ? ` (${m.discounts.join(',')})` : ''}`).join('; ');
  const rejected = o.rejected.filter((x) => x.reason !== 'out-of-scope').map((x) => `${x.field}:"${x.text}" ${x.reason}`).join('; ');
  return [
    `- ${o.item.id} [${o.item.lang}, ${o.item.kind}] gold ${gold}, got ${got}`,
    `    ${o.item.title.slice(0, 140)}`,
    `    matched: ${matched || '(none)'}`,
    ...(rejected ? [`    not counted: ${rejected}`] : []),
  ].join('\n');
};

console.log(`relevance evaluation: ${file} (${items.length} items)\n`);
console.log(line('relevant class', report.relevant));
const c = report.countries;
const cr = report.countriesOnRelevant;
console.log(`country tags       micro P ${pct(c.precision)}  R ${pct(c.recall)}  F1 ${pct(c.f1)}  (tp ${c.tp} fp ${c.fp} fn ${c.fn}; all items)`);
console.log(`                   micro P ${pct(cr.precision)}  R ${pct(cr.recall)}  F1 ${pct(cr.f1)}  (tp ${cr.tp} fp ${cr.fp} fn ${cr.fn}; items labelled relevant)`);
const st = report.sportsTag;
console.log(`sports tag         P ${pct(st.precision)}  R ${pct(st.recall)}  F1 ${pct(st.f1)}  (tp ${st.tp} fp ${st.fp} fn ${st.fn}; items labelled and judged relevant, gold = kind sports)`);
console.log('\nper shape:');
for (const [shape, s] of Object.entries(report.byShape)) console.log(`  ${line(shape, s)}`);
console.log('\nper language:');
for (const [lang, s] of Object.entries(report.byLanguage)) console.log(`  ${line(lang, s)}`);
console.log('\nper kind:');
for (const [kind, s] of Object.entries(report.byKind)) console.log(`  ${line(kind, s)}`);
console.log(`\nmisclassified (${report.misclassified.length}):`);
for (const o of report.misclassified) console.log(describe(o));
if (args.includes('--all')) {
  console.log(`\ncountry mismatches on relevant items (${report.countryMismatches.length}):`);
  for (const o of report.countryMismatches) console.log(describe(o));
}
