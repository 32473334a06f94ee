import { readFileSync } from 'node:fs';
import { BadInputError } from '../../functions/core/errors';
import { takeawaysConfig, type TakeawaysConfig } from '../../functions/core/takeaways/config';
import { extractiveTakeaways } from '../../functions/core/takeaways/extractive';
import { splitSentences } from '../../functions/core/takeaways/sentences';
import { rouge, type RougeScores } from './rouge';

/**
 * The takeaways evaluation shared by `npm run eval:takeaways -- FILE` and the corpus test:
 * each article's extractive takeaways and its Lead-3 baseline (the first three sentences, cut
 * by the same sentence splitter) scored by the same ROUGE code against `reference_takeaways`.
 */

export interface EvalRow {
  readonly id: string;
  readonly title: string | null;
  readonly body: string;
  readonly reference_takeaways: readonly string[];
}

export interface ArticleScores {
  readonly id: string;
  readonly items: number;
  readonly ours: RougeScores;
  readonly lead3: RougeScores;
}

export interface EvalReport {
  readonly articles: readonly ArticleScores[];
  readonly mean: { readonly ours: RougeScores; readonly lead3: RougeScores };
}

/** Read a JSON-lines file of articles; a bad line is a BadInputError naming the line. */
export function readEvalRows(path: string): EvalRow[] {
  const rows: EvalRow[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (cause) {
        throw new BadInputError(`${path}:${i + 1}: invalid JSON (${(cause as Error).message})`, { value: line.slice(0, 80) }, { cause });
      }
      const row = value as Partial<EvalRow> | null;
      if (
        !row || typeof row !== 'object' || typeof row.id !== 'string' || typeof row.body !== 'string' ||
        !Array.isArray(row.reference_takeaways) || row.reference_takeaways.some((r) => typeof r !== 'string')
      ) {
        throw new BadInputError(`${path}:${i + 1}: expected {"id","title","body","reference_takeaways":[...]}`, { value: line.slice(0, 80) });
      }
      rows.push({ id: row.id, title: typeof row.title === 'string' ? row.title : null, body: row.body, reference_takeaways: row.reference_takeaways });
    });
  return rows;
}

export function lead3(text: string, config: TakeawaysConfig = takeawaysConfig): string[] {
  return splitSentences(text, config).slice(0, 3).map((s) => s.text);
}

function mean(list: readonly RougeScores[]): RougeScores {
  const n = Math.max(1, list.length);
  const sum = (k: keyof RougeScores): number => list.reduce((acc, s) => acc + s[k], 0) / n;
  return { rouge1: sum('rouge1'), rouge2: sum('rouge2'), rougeL: sum('rougeL') };
}

export function evaluateTakeaways(rows: readonly EvalRow[], config: TakeawaysConfig = takeawaysConfig): EvalReport {
  const articles = rows.map((row) => {
    const items = extractiveTakeaways({ title: row.title ?? undefined, text: row.body }, config).map((t) => t.text);
    return {
      id: row.id,
      items: items.length,
      ours: rouge(items, row.reference_takeaways),
      lead3: rouge(lead3(row.body, config), row.reference_takeaways),
    };
  });
  return { articles, mean: { ours: mean(articles.map((a) => a.ours)), lead3: mean(articles.map((a) => a.lead3)) } };
}
