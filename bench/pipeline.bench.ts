import { readFileSync } from 'node:fs';
import { normalizeFeed, readFeedDocument } from '../functions/core/pipeline';
import type { Benchmark } from './harness';

const demo = (name: string): Buffer => readFileSync(new URL(`../feeds/demo/${name}`, import.meta.url));
const ctx = { feed: { id: 'bench', url: 'http://127.0.0.1/feed' }, feedUrl: 'http://127.0.0.1/feed', fetchedAt: '2026-11-29T00:00:00.000Z' };

export const benchmarks: Benchmark[] = [
  {
    name: 'decode+parse+normalize (demo RSS 2.0 feed)',
    unit: 'feeds',
    async setup() {
      const bytes = demo('balkan-wire.xml');
      return {
        batch: 1,
        run: async () => {
          const doc = await readFeedDocument(bytes, 'application/rss+xml');
          normalizeFeed(doc.parsed, ctx);
        },
      };
    },
  },
];
