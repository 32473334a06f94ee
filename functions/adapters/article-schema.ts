import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../data/article.schema.json' with { type: 'json' };
import { BadInputError } from '../core/errors';
import type { Article } from '../core/model';

/**
 * The stored article's JSON Schema (data/article.schema.json), compiled once, on first use
 * (compiling costs about 50 ms of a cold start, which a worker whose feeds bring nothing new
 * never needs to pay). The article store checks every article against it before writing, so
 * every object under articles/ and versions/ validates; tests check the objects themselves too.
 */

/** An article that does not match data/article.schema.json: a bug upstream, never stored. */
export class ArticleSchemaError extends BadInputError {
  constructor(
    readonly articleId: string,
    readonly problems: readonly string[],
  ) {
    super(`article ${JSON.stringify(articleId)} does not match data/article.schema.json: ${problems.slice(0, 5).join('; ')}`, { value: articleId });
  }
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  compiled ??= new Ajv2020({ allErrors: true, strict: true }).compile(schema);
  return compiled;
}

function describe(error: ErrorObject): string {
  const at = error.instancePath || '(root)';
  const value = error.params && 'additionalProperty' in error.params ? ` "${String(error.params['additionalProperty'])}"` : '';
  return `${at} ${error.message ?? 'is invalid'}${value}`;
}

/** The schema problems of a value, empty when it is a valid stored article. */
export function articleProblems(value: unknown): string[] {
  const validate = validator();
  return validate(value) ? [] : (validate.errors ?? []).map(describe);
}

/** Throws ArticleSchemaError naming the problems when the article does not match the schema. */
export function assertValidArticle(article: Article): void {
  const problems = articleProblems(article);
  if (problems.length > 0) throw new ArticleSchemaError(typeof article.id === 'string' ? article.id : String(article.id), problems);
}
