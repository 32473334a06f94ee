import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../functions/core/errors';
import { enrichArticle } from '../../../functions/core/pipeline';
import { classifierForScope, gazetteerCountries } from '../../../functions/core/relevance/classify';
import { sampleArticle } from '../../helpers/articles';

// A deployment may widen the scope (context scopeCountries → RELEVANCE_SCOPE on the ingest Lambda).
const croatia = { title: 'Croatia adopts its budget for 2027', summary: 'The Sabor in Zagreb voted for the plan on Friday.' };

describe('relevance scope', () => {
  it('GIVEN the default scope WHEN an item is about Croatia alone THEN it is not relevant', () => {
    const { relevance } = enrichArticle({ ...sampleArticle(), ...croatia, content: croatia.summary });
    expect(relevance.relevant).toBe(false);
  });

  it('GIVEN a scope that adds HR WHEN the same item is classified THEN it is relevant and tagged HR', () => {
    const classifier = classifierForScope(['AL', 'BA', 'XK', 'ME', 'MK', 'RS', 'HR']);
    const { relevance } = enrichArticle({ ...sampleArticle(), ...croatia, content: croatia.summary }, classifier);
    expect(relevance).toMatchObject({ relevant: true, countries: ['HR'] });
    expect(relevance.classifierVersion).toContain('HR');
  });

  it('rejects a code the gazetteer has no terms for, naming the variable and the value', () => {
    expect(gazetteerCountries()).toEqual(expect.arrayContaining(['AL', 'BA', 'XK', 'ME', 'MK', 'RS', 'HR']));
    expect(() => classifierForScope(['XK', 'FR'], 'RELEVANCE_SCOPE')).toThrowError(ConfigError);
    expect(() => classifierForScope(['XK', 'FR'], 'RELEVANCE_SCOPE')).toThrowError('RELEVANCE_SCOPE: expected country codes among');
  });
});
