import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { RELEVANCE_MAX_CHARS } from '../../functions/core/pipeline';
import { wbnews } from '../helpers/cli';

const DEMO = fileURLToPath(new URL('../../feeds/demo/', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('wbnews command line', () => {
  it('parse: one line per file, typed errors for bad files, never a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wbnews-cli-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'page.html'), '<!doctype html><html><body>Hello</body></html>');
    writeFileSync(join(dir, 'broken.xml'), '<rss version="2.0"><channel><item><title a=1>x</title></item></channel></rss>');
    writeFileSync(join(dir, 'unclosed.xml'), '<rss version="2.0"><channel><item><title>Kosovo</title></channel>');
    writeFileSync(join(dir, 'snapshot.xml.gz'), gzipSync(readFileSync(join(DEMO, 'balkan-wire.xml'))));
    const files = ['balkan-wire.xml', 'vesti-rdf.xml'].map((f) => join(DEMO, f)).concat(['page.html', 'broken.xml', 'unclosed.xml', 'snapshot.xml.gz', 'absent.xml'].map((f) => join(dir, f)), [dir]);
    const { code, lines } = await wbnews(['parse', ...files]);
    expect(code).toBe(0);
    expect(lines).toEqual([
      expect.objectContaining({ ok: true, format: 'rss2', items: 4, relevant: 2 }),
      expect.objectContaining({ ok: true, format: 'rss1', charset: 'windows-1250', items: 3, relevant: 2 }),
      expect.objectContaining({ ok: false, error: { code: 'not_a_feed', message: 'feed "page.html": not a feed: root element <html>' } }),
      expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'malformed_xml' }) }),
      expect.objectContaining({ ok: true, items: 1, relevant: 1, recovered: ['truncated', 'mismatched-tags'] }),
      expect.objectContaining({ ok: true, format: 'rss2', items: 4 }),
      expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'bad_input' }) }),
      expect.objectContaining({ ok: false, error: { code: 'bad_input', message: `feed "${basename(dir)}": ${dir} is not a file` } }),
    ]);
    expect(lines.map((l) => l['file'])).toEqual(files);
  });

  it('parse --items: the full article record per item, with "file"', async () => {
    const { lines } = await wbnews(['parse', '--items', join(DEMO, 'southeast-atom.xml')]);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ file: join(DEMO, 'southeast-atom.xml'), schemaVersion: 1, relevance: { relevant: true, countries: ['ME'] } });
    expect(lines[0]?.['takeaways']).toMatchObject({ method: 'extractive' });
  });

  it('classify: one output line per input line, same order, bad lines answered not fatal', async () => {
    const input = [
      JSON.stringify({ id: 'a', title: 'Kurti meets Vučić', summary: 'Talks in Brussels.' }),
      'not json',
      JSON.stringify({ id: 'c', title: 'Stock markets rally in Tokyo' }),
    ].join('\n');
    const { code, lines } = await wbnews(['classify'], input);
    expect(code).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ id: 'a', relevant: true, countries: expect.arrayContaining(['XK', 'RS']) });
    expect(lines[1]).toMatchObject({ id: null, error: { code: 'bad_input' } });
    expect(lines[2]).toMatchObject({ id: 'c', relevant: false, countries: [], matched: [] });
  });

  it('classify and takeaways answer a blank line with a bad_input line: as many output lines as input lines', async () => {
    const input = [JSON.stringify({ id: 'a', title: 'Kurti meets Vučić', body: 'Talks in Brussels went on for hours. Both sides agreed to meet again next month. Officials said progress was slow.' }), '', '  ', JSON.stringify({ id: 'b', title: 'x', body: 'y' })].join('\n');
    for (const command of ['classify', 'takeaways']) {
      const { code, lines, err } = await wbnews([command], `${input}\n`);
      expect(code).toBe(0);
      expect(lines).toHaveLength(4);
      expect(lines.map((l) => l['id'])).toEqual(['a', null, null, 'b']);
      expect(lines[1]).toEqual({ id: null, error: { code: 'bad_input', message: 'line 2: blank line, expected a JSON object' } });
      expect(lines[2]).toEqual({ id: null, error: { code: 'bad_input', message: 'line 3: blank line, expected a JSON object' } });
      expect(err).toBe('2 bad input line(s)\n');
    }
  });

  it('classify and takeaways read a first line that starts with a byte-order mark; takeaways names what it got instead of a text', async () => {
    const bom = '\uFEFF';
    const classified = await wbnews(['classify'], `${bom}${JSON.stringify({ id: 'a', title: 'Protest in Belgrade' })}\n`);
    expect(classified.lines).toEqual([expect.objectContaining({ id: 'a', relevant: true, countries: ['RS'] })]);
    const input = [`${bom}${JSON.stringify({ id: 'a', body: 'Talks in Brussels went on for hours. Both sides agreed to meet again.' })}`, JSON.stringify({ id: 'z', body: 123 }), JSON.stringify({ id: 'n', title: 'no text' })].join('\n');
    const { lines } = await wbnews(['takeaways'], `${input}\n`);
    expect(lines[0]).toMatchObject({ id: 'a', method: 'extractive' });
    expect(lines[1]).toEqual({ id: 'z', error: { code: 'bad_input', message: 'line 2: expected a "body" or "html" string (got body: 123)' } });
    expect(lines[2]).toEqual({ id: 'n', error: { code: 'bad_input', message: 'line 3: expected a "body" or "html" string (got neither)' } });
  });

  it('classify reads each field as the pipeline does, up to RELEVANCE_MAX_CHARS: a place named only beyond it does not count', async () => {
    const filler = 'Officials in the capital discussed the budget with partners on Tuesday. '.repeat(Math.ceil(RELEVANCE_MAX_CHARS / 60));
    const input = [
      // (Named this often, the places would count even this late in an unbounded text.)
      JSON.stringify({ id: 'late', title: 'Budget talks', content: `${filler}\nKosovo, Pristina, Serbia, Belgrade and Mitrovica were all named by the Kosovo government.` }),
      JSON.stringify({ id: 'early', title: 'Budget talks', content: `Kosovo, Pristina, Serbia, Belgrade and Mitrovica were all named by the Kosovo government.\n${filler}` }),
    ].join('\n');
    const { lines } = await wbnews(['classify'], input);
    expect(lines.map((l) => [l['id'], l['relevant']])).toEqual([['late', false], ['early', true]]);
  });

  it('takeaways: explicit lists from html, sentences from body', async () => {
    const html = '<p>Intro text here.</p><h3>Key points</h3><ul><li>First point is here.</li><li>Second point is here.</li></ul><p>More.</p>';
    const body = 'The government in Tirana approved the budget on Monday after a long debate. Opposition parties boycotted the vote in parliament. Officials said spending on schools would rise next year.';
    const input = [JSON.stringify({ id: 1, title: 't', html }), JSON.stringify({ id: 2, title: 't', body })].join('\n');
    const { lines } = await wbnews(['takeaways'], input);
    expect(lines[0]).toEqual({ id: 1, takeaways: ['First point is here.', 'Second point is here.'], method: 'explicit' });
    expect(lines[1]).toMatchObject({ id: 2, method: 'extractive' });
    expect((lines[1]?.['takeaways'] as string[]).length).toBeGreaterThanOrEqual(2);
  });

  it('run, query and show on a data directory', async () => {
    const data = mkdtempSync(join(tmpdir(), 'wbnews-data-'));
    dirs.push(data);
    const run = await wbnews(['run', '--data', data, '--json']);
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/demo-balkan-wire\s+fetched/);
    expect(run.err).toMatch(/summary: feeds fetched 3 \/ unchanged 0 \/ failed 0/);
    const summary = run.lines.find((l) => l['type'] === 'summary');
    expect(summary).toMatchObject({ fetched: 3, failed: 0 });

    const query = await wbnews(['query', '--country', 'xk', '--data', data]);
    expect(query.code).toBe(0);
    expect(query.lines.length).toBeGreaterThan(0);
    const dates = query.lines.map((l) => String(l['publishedAt']));
    expect([...dates].sort().reverse()).toEqual(dates);

    const show = await wbnews(['show', String(query.lines[0]?.['id']), '--data', data]);
    expect(show.code).toBe(0);
    expect(show.lines[0]).toMatchObject({ id: query.lines[0]?.['id'], relevance: { relevant: true } });

    const missing = await wbnews(['show', 'nope', '--data', data]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no article with id "nope"');
  });

  it('bad options get a clear message and exit code 2', async () => {
    expect(await wbnews(['query', '--country', 'Kosovo', '--data', '/nonexistent'])).toMatchObject({ code: 2, err: expect.stringContaining('--country must be a two-letter code') });
    expect(await wbnews(['frobnicate'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown command "frobnicate"') });
    expect(await wbnews(['query', '--data', '/nonexistent/wbnews'])).toMatchObject({ code: 1, err: expect.stringContaining('no wbnews data in') });
  });
});
