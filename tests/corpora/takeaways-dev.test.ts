import { describe, expect, it } from 'vitest';
import { extractTakeaways } from '../../functions/core/takeaways/index';
import { readJsonLines } from './corpora';

interface Row {
  id: string;
  title: string | null;
  body: string;
  reference_takeaways: string[];
}

describe('takeaways-dev corpus', () => {
  it('every article yields 1-5 takeaways, each a verbatim span of its body at the stated offsets', () => {
    const rows = readJsonLines<Row>('takeaways-dev', 'articles.jsonl');
    expect(rows.length).toBeGreaterThan(200);
    for (const row of rows) {
      const result = extractTakeaways({ title: row.title ?? undefined, text: row.body });
      expect(result.items.length, row.id).toBeGreaterThanOrEqual(1);
      expect(result.items.length, row.id).toBeLessThanOrEqual(5);
      for (const t of result.items) expect(row.body.slice(t.start ?? 0, t.end ?? 0), row.id).toBe(t.text);
    }
  });
});
