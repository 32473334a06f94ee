import { enrichArticle } from '../functions/core/pipeline';
import { extractTakeaways } from '../functions/core/takeaways/index';
import { sampleArticle } from '../tests/helpers/articles';
import type { Benchmark } from './harness';

// Takeaways throughput (issue 5 target: 500 articles of ~800 words per second on one core).
// The articles are generated here from sentence templates written for the bench, with a fixed
// seed, so every run measures the same text: ~800 words in paragraphs, with quotations,
// abbreviations and numbers, through the whole extractTakeaways path (explicit-list search,
// quotes, sentence splitting, graph ranking, MMR).

const SUBJECTS = ['The government in Belgrade', 'Kosovo Prime Minister Albin Kurti', 'The European Commission', 'Opposition parties in Skopje', 'Montenegro’s parliament', 'Dr. Ana Petrović of the University of Sarajevo', 'NATO Secretary General Mark Rutte', 'The central bank of Albania', 'Gen. Marko Ivanović', 'Local officials in Mitrovica'];
const VERBS = ['announced', 'rejected', 'welcomed', 'criticised', 'postponed', 'approved', 'questioned', 'signed', 'defended', 'reviewed'];
const OBJECTS = ['a plan to build 120 km of new railway by 2030', 'the draft budget for next year', 'talks on the normalisation of relations', 'a proposal to raise the minimum wage by 8.5 percent', 'the agreement on energy that was reached in Brussels', 'a reform of the judiciary demanded by the EU', 'new rules for foreign investment in ports', 'the report of the election observers', 'a loan of €300 million from the World Bank', 'the decision of the constitutional court'];
const TAILS = ['after weeks of negotiations.', 'in a statement on Tuesday.', 'despite protests in the capital.', 'at a press conference in the U.S. embassy.', 'according to officials familiar with the matter.', 'during a visit to St. Louis and Washington.', 'before the summit in Tirana on No. 5 Street.', 'as inflation reached 4.2 percent in October.'];
const QUOTES = ['We will not accept any solution that ignores the interests of our citizens', 'This is a historic day for the whole region and for Europe', 'The door of the European Union remains open, but reforms must come first', 'Nobody should doubt our commitment to dialogue and peace'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function makeArticle(seed: number, words = 800): { title: string; text: string } {
  const next = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const paragraphs: string[] = [];
  let count = 0;
  while (count < words) {
    const sentences: string[] = [];
    for (let i = 0; i < 3; i++) {
      const s = next() < 0.2
        ? `"${pick(QUOTES)}," ${pick(SUBJECTS).replace(/^The /, 'the ')} said.`
        : `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)} ${pick(TAILS)}`;
      sentences.push(s);
      count += s.split(' ').length;
    }
    paragraphs.push(sentences.join(' '));
  }
  return { title: `${pick(SUBJECTS)} ${pick(VERBS)} ${pick(OBJECTS)}`, text: paragraphs.join('\n\n') };
}

/** One item of about 1 MB (a transcript or a book pasted into a feed): ~10,000 sentences. */
function oneMegabyteItem(): { title: string; text: string } {
  const parts: string[] = [];
  let length = 0;
  for (let seed = 1; length < 1_000_000; seed++) {
    const { text } = makeArticle(seed);
    parts.push(text);
    length += text.length + 2;
  }
  return { title: makeArticle(0).title, text: parts.join('\n\n') };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'takeaways (articles of ~800 words)',
    unit: 'articles',
    target: 500,
    async setup() {
      const articles = Array.from({ length: 50 }, (_, i) => makeArticle(i + 1));
      const terms = ['Belgrade', 'Kosovo', 'Skopje', 'Montenegro', 'Sarajevo', 'Albania', 'Tirana', 'Mitrovica'];
      return {
        batch: articles.length,
        run: () => {
          for (const a of articles) extractTakeaways({ title: a.title, text: a.text, terms });
        },
      };
    },
  },
  {
    // The cost of one huge item is bounded (data/takeaways.json `limits`, pipeline.ts
    // RELEVANCE_MAX_CHARS): before the bound, a 650 KB item took 47 s and 2.9 GB. Target: 10 per
    // second, so even a batch of such items fits a Lambda invocation with room to spare.
    name: 'takeaways (one 1 MB item)',
    unit: 'items',
    target: 10,
    async setup() {
      const item = oneMegabyteItem();
      return { batch: 1, run: () => void extractTakeaways({ title: item.title, text: item.text, terms: ['Kosovo'] }) };
    },
  },
  {
    name: 'relevance + takeaways (one 1 MB item)',
    unit: 'items',
    target: 5,
    async setup() {
      const item = oneMegabyteItem();
      const { relevance: _r, takeaways: _t, ...sample } = sampleArticle();
      const draft = { ...sample, title: item.title, summary: '', content: item.text };
      return { batch: 1, run: () => void enrichArticle(draft) };
    },
  },
];
