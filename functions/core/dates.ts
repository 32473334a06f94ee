import dateWords from '../../data/dates.json' with { type: 'json' };
import { ConfigError } from './errors';

/**
 * Feed dates to ISO-8601 UTC, honouring the stated zone. Reads RFC 822/1123/2822 (numeric
 * offsets, zone abbreviations, military letters, comments), ISO 8601 / W3CDTF / RFC 3339, and
 * the broken variants feeds publish: missing seconds or time, two-digit years, "GMT+0200",
 * spaces around the "T", a one-digit offset minute, a missing comma, localised weekday and month
 * names (Serbian, Croatian, Albanian, Macedonian, Portuguese...: data/dates.json), day-first
 * numeric dates ("24.11.2026 10:00", as Balkan CMSs write them), year-first slashes,
 * "Nov 24, 2026 10:00 AM" and ctime ("Tue Nov 24 10:00:00 +0000 2026").
 *
 * A date without a zone is read as UTC. Years outside 1970-2200 and impossible fields (month 13,
 * hour 25) are unreadable: the function returns null, and normalization falls back to the fetch
 * time and says so.
 *
 * @example parseFeedDate('Tue, 03 Jun 2025 09:39:21 +0200') // "2025-06-03T07:39:21.000Z"
 * @example parseFeedDate('24.11.2026. 10:05')                // "2026-11-24T10:05:00.000Z"
 */

export interface DateWords {
  readonly months: ReadonlyMap<string, number>;
  readonly zones: ReadonlyMap<string, number>;
}

/** Validate data/dates.json; a word that means two months is a ConfigError naming it. */
export function validateDateWords(doc: unknown, where = 'data/dates.json'): DateWords {
  const fail = (message: string, value: unknown): never => {
    throw new ConfigError(`${where}: ${message} (got ${JSON.stringify(value)})`, { value: JSON.stringify(value) });
  };
  if (!doc || typeof doc !== 'object') fail('must be an object', doc);
  const { months, zones } = doc as Record<string, unknown>;
  if (!months || typeof months !== 'object') fail('"months" must be an object', months);
  if (!zones || typeof zones !== 'object') fail('"zones" must be an object', zones);
  const monthMap = new Map<string, number>();
  for (const [language, names] of Object.entries(months as Record<string, unknown>)) {
    if (!names || typeof names !== 'object') fail(`months "${language}" must be an object`, names);
    for (const [name, month] of Object.entries(names as Record<string, unknown>)) {
      if (name !== name.toLowerCase() || !name) fail(`month name "${name}" (${language}) must be lower case`, name);
      if (!Number.isInteger(month) || (month as number) < 1 || (month as number) > 12) fail(`month "${name}" (${language}) must be 1-12`, month);
      const seen = monthMap.get(name);
      if (seen !== undefined && seen !== month) fail(`month name "${name}" means both ${seen} and ${String(month)}`, name);
      monthMap.set(name, month as number);
    }
  }
  const zoneMap = new Map<string, number>();
  for (const [zone, offset] of Object.entries(zones as Record<string, unknown>)) {
    if (!Number.isInteger(offset) || Math.abs(offset as number) > 14 * 60) fail(`zone "${zone}" must be minutes east of UTC`, offset);
    zoneMap.set(zone.toLowerCase(), offset as number);
  }
  return { months: monthMap, zones: zoneMap };
}

const WORDS = validateDateWords(dateWords);

function monthOf(word: string | undefined): number | undefined {
  if (!word) return undefined;
  const w = word.toLowerCase().replace(/\.$/, '');
  return WORDS.months.get(w) ?? WORDS.months.get(w.slice(0, 4)) ?? WORDS.months.get(w.slice(0, 3));
}

/** Minutes east of UTC for a zone designator; 0 when absent; undefined when unreadable. */
function offsetMinutes(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const z = zone.trim().toLowerCase();
  if (!z) return 0;
  const named = WORDS.zones.get(z);
  if (named !== undefined) return named;
  if (/^[a-ik-y]$/.test(z)) return 0; // RFC 822 military zones: RFC 2822 says read as unknown (UTC)
  const m = /^(?:gmt|utc|ut)?\s*([+-])\s*(\d{1,2})(?::?(\d{1,2}))?$/.exec(z);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : m[3].length === 1 ? Number(m[3]) * 10 : Number(m[3]);
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offset: number): string | null {
  if (y < 100) y += y < 70 ? 2000 : 1900;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return null;
  if (h === 24 && (mi > 0 || s > 0)) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms) - offset * 60_000;
  if (!Number.isFinite(t)) return null;
  const date = new Date(t);
  if (date.getUTCFullYear() < 1970 || date.getUTCFullYear() > 2200) return null;
  // Reject days that roll over into the next month (31 April, 30 February).
  const local = new Date(Date.UTC(y, mo - 1, d));
  if (local.getUTCDate() !== d) return null;
  return date.toISOString();
}

/** Hour in 24-hour form from "h" and an optional AM/PM marker; undefined when impossible. */
function hour24(h: number, meridiem: string | undefined): number | undefined {
  if (!meridiem) return h;
  if (h < 1 || h > 12) return undefined;
  const pm = meridiem.toLowerCase().startsWith('p');
  return (h % 12) + (pm ? 12 : 0);
}

const TIME = String.raw`(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,](\d+))?)?\s*([AaPp]\.?[Mm]\.?)?`;
const ZONE = String.raw`([A-Za-z]{1,5}(?:\s*[+-]\s*\d{1,2}(?::?\d{1,2})?)?|[+-]\s*\d{1,2}(?::?\d{1,2})?)`;

const ISO = /^(\d{4})-?(\d{2})-?(\d{2})(?:\s*[Tt ]\s*(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{1,2}(?::?\d{1,2})?|[A-Za-z]{1,5})?$/;
/** [weekday] day month year [time [zone]] — RFC 822 and its localised and broken cousins. */
const DAY_MONTH = new RegExp(String.raw`^(\d{1,2})\.?[\s-]*(\p{L}{3,12})\.?,?[\s-]*(\d{2,4}),?(?:\s+(?:at\s+)?${TIME})?\s*${ZONE}?$`, 'u');
/** Month day, year [time [zone]] — "Nov 24, 2026 10:00 AM". */
const MONTH_DAY = new RegExp(String.raw`^(\p{L}{3,12})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}),?(?:\s+(?:at\s+)?${TIME})?\s*${ZONE}?$`, 'u');
/** ctime / Twitter: "Nov 24 10:00:00 +0000 2026" (the weekday already removed). */
const CTIME = new RegExp(String.raw`^(\p{L}{3,12})\s+(\d{1,2})\s+${TIME}\s*${ZONE}?\s+(\d{4})$`, 'u');
/** Numeric: day.month.year (Balkan CMSs), day/month/year, year/month/day, each with an optional time. */
const NUMERIC = new RegExp(String.raw`^(\d{1,4})([./-])\s?(\d{1,2})\2\s?(\d{2,4})\.?(?:,?\s+${TIME})?\s*${ZONE}?$`);

/** Drop RFC 822 comments "(...)", nested ones included. */
function stripComments(text: string): string {
  let out = text;
  for (let i = 0; i < 5 && out.includes('('); i++) out = out.replace(/\((?:[^()\\]|\\.)*\)/g, ' ');
  return out.replace(/\s+/g, ' ').trim();
}

/** A leading weekday name ("Tue,", "Uto,", "E hënë,", "Seg,") with its punctuation. */
const WEEKDAY = /^\p{L}{2,12}\.?\s*,\s*|^\p{L}{2,3}\.?\s+(?=\d)|^\p{L}{3}\s+(?=\p{L}{3}\s+\d{1,2}\s+\d)/u;

export function parseFeedDate(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const text = stripComments(raw.trim().replace(/\s+/g, ' '));
  if (!text) return null;

  const iso = ISO.exec(text);
  if (iso) {
    const offset = offsetMinutes(iso[8]);
    if (offset === undefined) return null;
    const ms = iso[7] ? Number(iso[7].slice(0, 3).padEnd(3, '0')) : 0;
    return build(Number(iso[1]), Number(iso[2]), Number(iso[3]), Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0), ms, offset);
  }

  const rest = text.replace(WEEKDAY, '');
  const timeOf = (h?: string, mi?: string, s?: string, frac?: string, meridiem?: string) => {
    const hour = hour24(Number(h ?? 0), meridiem);
    return hour === undefined ? undefined : ([hour, Number(mi ?? 0), Number(s ?? 0), frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0] as const);
  };

  const dm = DAY_MONTH.exec(rest);
  if (dm) {
    const month = monthOf(dm[2]);
    const time = timeOf(dm[4], dm[5], dm[6], dm[7], dm[8]);
    const offset = offsetMinutes(dm[9]);
    if (month === undefined || time === undefined || offset === undefined) return null;
    return build(Number(dm[3]), month, Number(dm[1]), ...time, offset);
  }

  const md = MONTH_DAY.exec(rest);
  if (md) {
    const month = monthOf(md[1]);
    const time = timeOf(md[4], md[5], md[6], md[7], md[8]);
    const offset = offsetMinutes(md[9]);
    if (month === undefined || time === undefined || offset === undefined) return null;
    return build(Number(md[3]), month, Number(md[2]), ...time, offset);
  }

  const ct = CTIME.exec(rest);
  if (ct) {
    const month = monthOf(ct[1]);
    const time = timeOf(ct[3], ct[4], ct[5], ct[6], ct[7]);
    const offset = offsetMinutes(ct[8]);
    if (month === undefined || time === undefined || offset === undefined) return null;
    return build(Number(ct[9]), month, Number(ct[2]), ...time, offset);
  }

  const nu = NUMERIC.exec(rest);
  if (nu) {
    const [a, sep, b, c] = [Number(nu[1]), nu[2], Number(nu[3]), Number(nu[4])];
    const time = timeOf(nu[5], nu[6], nu[7], nu[8], nu[9]);
    const offset = offsetMinutes(nu[10]);
    if (time === undefined || offset === undefined) return null;
    if ((nu[1] ?? '').length === 4) return build(a, b, c, ...time, offset); // 2026/11/24
    if ((nu[4] ?? '').length < 4 && sep !== '.') return null; // 11/24/26: too ambiguous
    // Day first, as Europe writes it; month first only when the day cannot be the month.
    const [day, month] = sep === '/' && b > 12 && a <= 12 ? [b, a] : [a, b];
    return build(c, month, day, ...time, offset);
  }
  return null;
}
