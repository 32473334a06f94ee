import { describe, expect, it } from 'vitest';
import { fold, foldWithMap } from '../../../functions/core/text-fold';

describe('fold with a growing buffer', () => {
  it('GIVEN a long non-ASCII text after a short one WHEN folding THEN the result is the long text folded, not the previous buffer', () => {
    expect(fold('Šabac')).toBe('sabac');
    const long = `Priština ${'naslov članka '.repeat(2000)}kraj`;
    const folded = fold(long);
    expect(folded.length).toBe(long.length);
    expect(folded.startsWith('pristina naslov clanka')).toBe(true);
    expect(folded.endsWith('kraj')).toBe(true);
    expect(foldWithMap(`${long}Đ`).text.endsWith('krajdj')).toBe(true);
  });
});
