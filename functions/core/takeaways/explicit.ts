import { fold } from '../text-fold';
import type { Takeaway } from '../model';
import { takeawaysConfig, type TakeawaysConfig } from './config';

/**
 * Find the article's own takeaways list: a heading such as "Key Takeaways", "TL;DR", "Ukratko",
 * "Pikat kryesore" or "Клучни пораки" (data/takeaways.json lists them; they are compared
 * folded, so any script and case matches) followed by bullet lines (•, -, *, ·, – ... or "1.").
 * HTML lists arrive here as "• item" lines (html-text.ts), so one detector serves HTML and
 * plain text. Items come back verbatim, with white space collapsed, and with their offsets.
 *
 * @example findExplicitList('Intro.\n\nKey points:\n- One thing.\n- Another.')?.items.map((i) => i.text)
 * // ["One thing.", "Another."]
 */

export interface ExplicitList {
  readonly items: readonly Takeaway[];
  /** Offsets of the whole block (heading and bullets) in the text. */
  readonly start: number;
  readonly end: number;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function bulletPattern(config: TakeawaysConfig): RegExp {
  return new RegExp(`^\\s*(?:${config.explicit.bullets.map(escape).join('|')}|\\d{1,2}[.)])\\s+(\\S.*)$`, 'u');
}

const DEFAULT_BULLET = bulletPattern(takeawaysConfig);

function isHeading(line: string, config: TakeawaysConfig): boolean {
  const trimmed = line.trim().replace(/^#+\s*/, '');
  if (trimmed.length === 0 || trimmed.length > config.explicit.maxHeadingChars) return false;
  const key = fold(trimmed).replace(/[:：.!\-–—]+$/u, '').replace(/\s+/g, ' ').trim();
  return config.explicit.headings.has(key);
}

export function findExplicitList(text: string, config: TakeawaysConfig = takeawaysConfig): ExplicitList | null {
  const bullet = config === takeawaysConfig ? DEFAULT_BULLET : bulletPattern(config);
  const { minItems, maxItems } = config.explicit;
  const lines = text.split('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  for (let i = 0; i < lines.length; i++) {
    if (!isHeading(lines[i] ?? '', config)) continue;
    const items: Takeaway[] = [];
    let end = (starts[i] ?? 0) + (lines[i]?.length ?? 0);
    let tooMany = false;
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j] ?? '';
      if (line.trim() === '') {
        // One blank line may separate the heading from the list, or bullets from each other.
        if (items.length > 0 && !bullet.test(lines[j + 1] ?? '')) break;
        continue;
      }
      const m = bullet.exec(line);
      if (!m) break;
      const raw = (m[1] ?? '').trimEnd();
      const start = (starts[j] ?? 0) + line.indexOf(raw);
      items.push({ text: raw.replace(/\s+/g, ' '), start, end: start + raw.length });
      end = start + raw.length;
      if (items.length > maxItems) {
        tooMany = true;
        break;
      }
    }
    if (!tooMany && items.length >= minItems) return { items, start: starts[i] ?? 0, end };
  }
  return null;
}

/** The text with the explicit list (heading and bullets) removed, for extraction. */
export function withoutList(text: string, list: ExplicitList): string {
  return `${text.slice(0, list.start)}${text.slice(list.end)}`.replace(/\n{3,}/g, '\n\n').trim();
}

/**
 * The text with the list blanked out (every character of the block but line breaks becomes a
 * space): the list stays out of extraction while every offset still points into the original.
 */
export function maskList(text: string, list: ExplicitList): string {
  return `${text.slice(0, list.start)}${text.slice(list.start, list.end).replace(/[^\n]/g, ' ')}${text.slice(list.end)}`;
}
