import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalizeFeed, readFeedDocument } from '../functions/core/pipeline';
import { classify } from '../functions/core/relevance/classify';
import type { Benchmark } from './harness';

// Relevance classification of title+summary items on one core (issue target: ≥ 20,000 items/s).
// Items: the relevance development set when ../shared/corpora is beside the repository (read in
// place, multilingual, real lengths), else the items of the bundled demo feeds.

interface Item {
  readonly title: string;
  readonly summary: string;
}

const corpus = fileURLToPath(new URL('../../shared/corpora/relevance-dev/items.jsonl', import.meta.url));

async function loadItems(): Promise<{ items: Item[]; source: string }> {
  if (existsSync(corpus)) {
    const items = readFileSync(corpus, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Item)
      .map((r) => ({ title: r.title ?? '', summary: r.summary ?? '' }));
    return { items, source: 'relevance-dev' };
  }
  const dir = fileURLToPath(new URL('../feeds/demo/', import.meta.url));
  const items: Item[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
    const doc = await readFeedDocument(readFileSync(`${dir}${file}`), 'application/xml');
    const ctx = { feed: { id: 'bench', url: 'http://127.0.0.1/feed' }, feedUrl: 'http://127.0.0.1/feed', fetchedAt: '2026-11-29T00:00:00.000Z' };
    for (const a of normalizeFeed(doc.parsed, ctx)) items.push({ title: a.title, summary: a.summary });
  }
  return { items, source: 'demo feeds' };
}

const { items, source } = await loadItems();

export const benchmarks: Benchmark[] = [
  {
    name: `relevance classify title+summary (${source})`,
    unit: 'items',
    target: 20_000,
    async setup() {
      return {
        batch: items.length,
        run: () => {
          for (const item of items) classify(item);
        },
      };
    },
  },
];
