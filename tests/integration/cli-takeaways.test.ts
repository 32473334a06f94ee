import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { wbnews, type CliResult } from '../helpers/cli';

async function takeaways(stdin: string, args: string[] = []): Promise<CliResult> {
  return wbnews(['takeaways', ...args], stdin);
}

// The seed article's HTML as the demo feed carries it.
const feed = readFileSync(new URL('../../feeds/demo/balkan-wire.xml', import.meta.url), 'utf8');
const seedHtml = /<content:encoded><!\[CDATA\[([\s\S]*?)\]\]><\/content:encoded>/.exec(feed)?.[1] ?? '';
const seedTitle = 'NATO’s Rutte reaffirms commitment to Western Balkans stability on visit to Kosovo and Bosnia';

describe('wbnews takeaways', () => {
  it('answers each line in order with exactly {id, takeaways, method}; bad lines get an error and the run goes on', async () => {
    const body = [
      'The parliament of Montenegro adopted the budget for next year on Friday after a debate that lasted three days.',
      'The budget raises spending on health care and roads, and cuts the deficit to two percent of output.',
      'Opposition parties walked out before the vote, saying the government had ignored their amendments.',
      'The finance ministry expects growth of about three percent, driven by tourism and construction.',
    ].join(' ');
    const input = [
      JSON.stringify({ id: 'seed', title: seedTitle, html: seedHtml }),
      'not json',
      JSON.stringify({ id: 7, title: 'Montenegro adopts budget', body }),
      JSON.stringify({ id: 'nobody', title: 'x' }),
    ].join('\n');
    const { code, lines, err } = await takeaways(input);
    expect(code).toBe(0);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toEqual({
      id: 'seed',
      method: 'explicit',
      takeaways: [
        'NATO stresses the importance of dialogue between Kosovo and Serbia for lasting peace.',
        'Rutte calls for flexibility and compromise from both parties in normalization talks.',
        'NATO’s KFOR mission remains crucial for maintaining security in Kosovo.',
        'The alliance’s commitment to the region is vital for broader Euro-Atlantic security.',
      ],
    });
    expect(lines[1]).toMatchObject({ id: null, error: { code: 'bad_input' } });
    expect(Object.keys(lines[2] ?? {}).sort()).toEqual(['id', 'method', 'takeaways']);
    expect(lines[2]).toMatchObject({ id: 7, method: 'extractive' });
    const items = lines[2]?.['takeaways'] as string[];
    expect(items.length).toBe(3);
    for (const t of items) expect(body).toContain(t);
    expect(lines[3]).toMatchObject({ id: 'nobody', error: { code: 'bad_input' } });
    expect(err).toMatch(/2 bad input line/);
  });

  it('--quotes adds the quotations with their speakers', async () => {
    const { lines } = await takeaways(JSON.stringify({ id: 'seed', title: seedTitle, html: seedHtml }), ['--quotes']);
    expect(lines[0]?.['quotes']).toEqual([
      { text: 'A secure Western Balkans region means more security across the whole Euro-Atlantic area', speaker: 'Mark Rutte' },
      { text: 'Normalization brings greater stability, more investment opportunities, and lasting security across the whole region.', speaker: 'Mark Rutte' },
    ]);
  });
});
