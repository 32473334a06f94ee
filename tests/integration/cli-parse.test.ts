import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { feedIdForFile } from '../../cli/commands/parse';
import { startFeedServer } from '../../cli/local/feed-server';
import { wbnews } from '../helpers/cli';

// `wbnews parse` gives the ids the ingest worker stores, and answers for every file.
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wbnews-parse-'));
  dirs.push(dir);
  return dir;
}

// Items without links: their ids hash the feed id with the guid (or the title and date).
const LINKLESS = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Bez linkova</title><link>https://bez.example/</link>
<item><title>Kosovo i Srbija nastavljaju dijalog u Briselu</title><guid isPermaLink="false">bez-1</guid>
<description>Premijer Kosova Albin Kurti i predsednik Srbije Aleksandar Vučić sastali su se u Briselu.</description>
<pubDate>Tue, 24 Nov 2026 10:00:00 +0100</pubDate></item>
<item><title>Sarajevo: nova vlada Kantona Sarajevo izabrana</title>
<description>Skupština Kantona Sarajevo u Bosni i Hercegovini izabrala je novu vladu.</description>
<pubDate>Wed, 25 Nov 2026 09:00:00 +0100</pubDate></item>
</channel></rss>`;

const EMPTY = '<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title><link>https://e.example/</link></channel></rss>';

function findFile(dir: string, pattern: RegExp): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(path, pattern);
      if (found) return found;
    } else if (pattern.test(path)) return path;
  }
  return undefined;
}

describe('wbnews parse: feed ids and files without items', () => {
  it('GIVEN link-less items stored by a run THEN parse of the kept raw snapshot, or of the file with --feed-id, gives the stored ids', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'bez.xml'), LINKLESS);
    const server = await startFeedServer({ root });
    const data = join(root, 'data');
    try {
      const feedsFile = join(root, 'feeds.json');
      writeFileSync(feedsFile, JSON.stringify({ feeds: [{ id: 'bez-linkova', url: `${server.baseUrl}bez.xml` }] }));
      const run = await wbnews(['run', '--data', data, '--feeds', feedsFile, '--json']);
      expect(run.lines.find((l) => l['type'] === 'summary')).toMatchObject({ fetched: 1, stored: 2 });
    } finally {
      await server.close();
    }
    const stored = (await wbnews(['query', '--feed', 'bez-linkova', '--data', data])).lines.map((l) => l['id']).sort();
    expect(stored).toHaveLength(2);
    expect(stored.every((id) => /^[gt]/.test(String(id)))).toBe(true);

    // The raw snapshot in the data directory names its feed in its path.
    const snapshot = findFile(join(data, 's3'), /raw\/feeds\/bez-linkova\/[^/]+\.xml\.gz\._S3rver_object$/);
    expect(snapshot).toBeDefined();
    const fromSnapshot = await wbnews(['parse', '--items', snapshot!]);
    expect(fromSnapshot.lines.map((l) => l['id']).sort()).toEqual(stored);
    expect(fromSnapshot.lines.every((l) => l['feedId'] === 'bez-linkova')).toBe(true);

    const withOption = await wbnews(['parse', '--items', '--feed-id', 'bez-linkova', join(root, 'bez.xml')]);
    expect(withOption.lines.map((l) => l['id']).sort()).toEqual(stored);

    // Without it, the file name is the feed id: other ids, as documented.
    const byName = await wbnews(['parse', '--items', join(root, 'bez.xml')]);
    expect(byName.lines.map((l) => l['feedId'])).toEqual(['bez', 'bez']);
    expect(byName.lines.map((l) => l['id']).sort()).not.toEqual(stored);
  });

  it('--items: a feed with no items, or a file that fails, still gets its per-file line, in order', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.xml'), EMPTY);
    writeFileSync(join(dir, 'one.xml'), LINKLESS.replace(/<item>[\s\S]*?<\/item>\n/, ''));
    const files = [join(dir, 'empty.xml'), join(dir, 'missing.xml'), join(dir, 'one.xml')];
    const { code, lines } = await wbnews(['parse', '--items', ...files]);
    expect(code).toBe(0);
    expect(lines).toEqual([
      { file: files[0], ok: true, feedId: 'empty', format: 'rss2', charset: 'utf-8', items: 0, relevant: 0 },
      expect.objectContaining({ file: files[1], ok: false, error: expect.objectContaining({ code: 'bad_input' }) }),
      expect.objectContaining({ file: files[2], feedId: 'one', schemaVersion: 1, title: 'Sarajevo: nova vlada Kantona Sarajevo izabrana' }),
    ]);
  });

  it('a declared charset label that was not used is named in the outcome (charsetIgnored); one that was used is not', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bogus.xml'), LINKLESS.replace('encoding="utf-8"', 'encoding="x-bogus-123"'));
    writeFileSync(join(dir, 'plain.xml'), LINKLESS);
    const { lines } = await wbnews(['parse', join(dir, 'bogus.xml'), join(dir, 'plain.xml')]);
    expect(lines[0]).toMatchObject({ ok: true, charset: 'utf-8', charsetIgnored: 'x-bogus-123' });
    expect(lines[1]).toMatchObject({ ok: true, charset: 'utf-8' });
    expect(lines[1]).not.toHaveProperty('charsetIgnored');
  });

  it('--feed-id must be a feed id', async () => {
    const result = await wbnews(['parse', '--feed-id', 'Not An Id', 'x.xml']);
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toContain('wbnews parse: --feed-id must be a feed id as in the feeds file');
  });

  it('the default feed id: from a raw snapshot path, else from the file name', () => {
    expect(feedIdForFile('/x/.wbnews/s3/wbnews-articles/raw/feeds/demo-vesti-rdf/2026-11-29T10-00-00-000Z.xml.gz._S3rver_object')).toBe('demo-vesti-rdf');
    expect(feedIdForFile('raw/feeds/n1-sr/2026-11-29T10-00-00-000Z.xml.gz')).toBe('n1-sr');
    expect(feedIdForFile('feeds/demo/balkan-wire.xml')).toBe('balkan-wire');
    expect(feedIdForFile('/tmp/Vesti Regiona.RSS')).toBe('vesti-regiona');
    expect(feedIdForFile('/tmp/snapshot.xml.gz')).toBe('snapshot');
    expect(feedIdForFile('/tmp/---.xml')).toBe('file');
  });
});
