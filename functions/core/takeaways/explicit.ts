import config from '../../../data/takeaways.json' with { type: 'json' };
import { fold } from '../text-fold';
import type { Takeaway } from '../model';

/**
 * Find the article's own takeaways list: a heading such as "Key Takeaways" (data/takeaways.json
 * lists them, in English and the region's languages, folded) followed by bullet lines. HTML lists
 * arrive here as "• item" lines (html-text.ts), so one detector serves both HTML and plain text.
 */

export interface ExplicitList {
  readonly items: readonly Takeaway[];
  /** Offsets of the whole block (heading and bullets) in the text. */
  readonly start: number;
  readonly end: number;
}

const HEADINGS = new Set(config.headings.map((h) => fold(h)));
const BULLET = new RegExp(`^\\s*(?:${config.bullets.map((b) => b.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|')})\\s+(.+)$`);

function isHeading(line: string): boolean {
  const key = fold(line).replace(/[:：.!]+$/, '').replace(/\s+/g, ' ').trim();
  return key.length > 0 && key.length <= 40 && HEADINGS.has(key);
}

export function findExplicitList(text: string): ExplicitList | null {
  const lines = text.split('\n');
  let offset = 0;
  const starts = lines.map((line) => {
    const s = offset;
    offset += line.length + 1;
    return s;
  });
  for (let i = 0; i < lines.length; i++) {
    if (!isHeading(lines[i] ?? '')) continue;
    const items: Takeaway[] = [];
    let end = (starts[i] ?? 0) + (lines[i]?.length ?? 0);
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line.trim() === '') {
        if (items.length > 0 && !BULLET.test(lines[j + 1] ?? '')) break;
        continue;
      }
      const m = BULLET.exec(line);
      if (!m) break;
      const body = (m[1] ?? '').trim();
      const start = (starts[j] ?? 0) + line.indexOf(body);
      items.push({ text: body, start, end: start + body.length });
      end = start + body.length;
      if (items.length > config.maxItems) break;
    }
    if (items.length >= 2 && items.length <= config.maxItems) {
      return { items, start: starts[i] ?? 0, end };
    }
  }
  return null;
}

/** The text with the explicit list (heading and bullets) removed, for extraction. */
export function withoutList(text: string, list: ExplicitList): string {
  return `${text.slice(0, list.start)}${text.slice(list.end)}`.replace(/\n{3,}/g, '\n\n').trim();
}
