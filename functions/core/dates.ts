/**
 * Feed dates to ISO-8601 UTC. Handles RFC 822/1123 (with numeric offsets and the usual zone
 * abbreviations), ISO 8601 / W3CDTF, and the common broken variants seen in feeds: missing
 * seconds, two-digit years, "GMT+0200", a comma missing, a zone name such as "CET".
 * A date without any zone is read as UTC. Returns null when nothing sensible can be read.
 *
 * @example parseFeedDate('Tue, 03 Jun 2025 09:39:21 +0200') // "2025-06-03T07:39:21.000Z"
 */

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

/** Offsets in minutes east of UTC. */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0, wet: 0, bst: 60, ist: 60, cet: 60, met: 60, cest: 120, mest: 120, eet: 120,
  eest: 180, msk: 180, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  akst: -540, akdt: -480, hst: -600, jst: 540, kst: 540, aest: 600, aedt: 660,
};

function offsetMinutes(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const z = zone.trim().toLowerCase();
  if (z in ZONES) return ZONES[z];
  const m = /^(?:gmt|utc)?\s*([+-])(\d{1,2}):?(\d{2})?$/.exec(z);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

function build(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offset: number): string | null {
  if (y < 100) y += y < 70 ? 2000 : 1900;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms) - offset * 60_000;
  if (!Number.isFinite(t)) return null;
  const date = new Date(t);
  if (date.getUTCFullYear() < 1970 || date.getUTCFullYear() > 2200) return null;
  return date.toISOString();
}

const ISO =
  /^(\d{4})-?(\d{2})-?(\d{2})(?:[T\s](\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2}|[A-Za-z]{1,5})?$/;
const RFC822 =
  /^(?:[A-Za-z]+\.?,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{2,4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([A-Za-z]{1,5}|(?:GMT|UTC)?\s*[+-]\d{1,2}:?\d{2})?(?:\s*\(.*\))?$/;

export function parseFeedDate(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const text = raw.trim().replace(/\s+/g, ' ');
  if (!text) return null;

  const iso = ISO.exec(text);
  if (iso) {
    const offset = offsetMinutes(iso[8]);
    if (offset === undefined) return null;
    const ms = iso[7] ? Number(iso[7].slice(0, 3).padEnd(3, '0')) : 0;
    return build(
      Number(iso[1]), Number(iso[2]), Number(iso[3]),
      Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0), ms, offset,
    );
  }

  const rfc = RFC822.exec(text);
  if (rfc) {
    const month = MONTHS[(rfc[2] ?? '').slice(0, 4).toLowerCase()] ?? MONTHS[(rfc[2] ?? '').slice(0, 3).toLowerCase()];
    const offset = offsetMinutes(rfc[7]);
    if (month === undefined || offset === undefined) return null;
    return build(Number(rfc[3]), month, Number(rfc[1]), Number(rfc[4]), Number(rfc[5]), Number(rfc[6] ?? 0), 0, offset);
  }

  // Last resort: what the JavaScript engine can read, if it is unambiguous enough to carry a year.
  if (/\d{4}/.test(text)) {
    const t = Date.parse(text);
    const year = Number.isFinite(t) ? new Date(t).getUTCFullYear() : NaN;
    if (year >= 1970 && year <= 2200) return new Date(t).toISOString();
  }
  return null;
}
