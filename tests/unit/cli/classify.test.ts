import { describe, expect, it } from 'vitest';
import { wbnews } from '../../helpers/cli';

// `wbnews classify` as ARCHITECTURE.md has it: one output line per input line, same order;
// a line whose fields have the wrong type is answered with a typed error naming the field.
describe('wbnews classify', () => {
  it('answers each good line with {id, relevant, score, countries, matched, tags}', async () => {
    const input = [
      JSON.stringify({ id: 'a', title: 'Kurti meets Vučić in Brussels', summary: 'Talks on the Belgrade–Pristina dialogue.', link: 'https://example.org/a' }),
      JSON.stringify({ id: 7, title: '<b>Tirana</b> mayor arrested', summary: null }),
      JSON.stringify({ title: 'Stock markets rally in Tokyo' }),
    ].join('\n');
    const { code, lines } = await wbnews(['classify'], input);
    expect(code).toBe(0);
    expect(lines).toHaveLength(3);
    expect(Object.keys(lines[0] ?? {})).toEqual(['id', 'relevant', 'score', 'countries', 'matched', 'tags']);
    expect(lines[0]).toMatchObject({ id: 'a', relevant: true, countries: expect.arrayContaining(['XK', 'RS']) });
    expect(lines[1]).toMatchObject({ id: 7, relevant: true, countries: ['AL'], matched: [expect.objectContaining({ term: 'Tirana', text: 'Tirana' })] });
    expect(lines[2]).toMatchObject({ id: null, relevant: false, countries: [], matched: [], tags: [] });
  });

  it('answers a wrongly typed field with a bad_input error naming the field and the value, and goes on', async () => {
    const input = [
      JSON.stringify({ id: 'x', title: 123, summary: ['Serbia'] }),
      JSON.stringify({ id: 'y', title: 'Serbia', summary: ['Serbia'] }),
      JSON.stringify({ id: { nested: true }, title: 'Serbia' }),
      JSON.stringify({ id: 'z', title: 'Protest in Belgrade', content: false }),
      JSON.stringify({ id: 'ok', title: 'Protest in Belgrade' }),
    ].join('\n');
    const { code, lines, err } = await wbnews(['classify'], input);
    expect(code).toBe(0);
    expect(lines).toEqual([
      { id: 'x', error: { code: 'bad_input', message: 'line 1: "title" must be a string (got 123)' } },
      { id: 'y', error: { code: 'bad_input', message: 'line 2: "summary" must be a string (got ["Serbia"])' } },
      { id: null, error: { code: 'bad_input', message: 'line 3: "id" must be a string or a number (got {"nested":true})' } },
      { id: 'z', error: { code: 'bad_input', message: 'line 4: "content" must be a string (got false)' } },
      expect.objectContaining({ id: 'ok', relevant: true, countries: ['RS'] }),
    ]);
    expect(err).toMatch(/4 bad input line\(s\)/);
  });
});
