import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readJsonLines } from '../../../cli/io';

async function lines(text: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const line of readJsonLines(Readable.from([text]))) out.push(line);
  return out;
}

describe('readJsonLines', () => {
  it('answers every line, blank ones included, so output line N belongs to input line N', async () => {
    expect(await lines('{"id":1}\n\n   \n[1]\nnope\r\n{"id":2}\n')).toEqual([
      { line: 1, value: { id: 1 } },
      { line: 2, error: 'line 2: blank line, expected a JSON object' },
      { line: 3, error: 'line 3: blank line, expected a JSON object' },
      { line: 4, error: 'line 4: expected a JSON object' },
      { line: 5, error: expect.stringMatching(/^line 5: invalid JSON/) },
      { line: 6, value: { id: 2 } },
    ]);
  });

  it('a final newline ends the last line; it is not a blank line of its own', async () => {
    expect(await lines('{"id":1}\n')).toEqual([{ line: 1, value: { id: 1 } }]);
    expect(await lines('')).toEqual([]);
  });
});
