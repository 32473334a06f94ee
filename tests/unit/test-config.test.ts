import { describe, expect, it } from 'vitest';
import corpora from '../../vitest.corpora.config';
import main from '../../vitest.config';

describe('test configuration', () => {
  it('fails any test in which no assertion ran, in npm test and in the corpus checks', () => {
    for (const config of [main, corpora]) expect(config.test?.expect?.requireAssertions).toBe(true);
  });
});
