import rawConfig from '../../data/near-duplicate.json' with { type: 'json' };
import { ConfigError } from './errors';
import { fold } from './text-fold';

/**
 * Near-duplicate fingerprints for cross-feed duplicates: the same story syndicated under
 * different URLs, with a different headline, a credit line or a few edited words.
 *
 * SimHash (Charikar) over word shingles (pairs of words) of the folded text: each shingle hashes to 64 bits,
 * every bit is voted up or down, and the sign of each vote is the fingerprint's bit. Texts that
 * share most shingles get fingerprints a few bits apart, so "near-identical" is a Hamming
 * distance. For lookups the 64 bits are cut into `maxDistance + 1` bands: two fingerprints
 * within `maxDistance` bits agree exactly on at least one band (pigeonhole), so the store finds
 * candidates by exact band value and checks the distance on the few it gets back.
 *
 * Settings live in data/near-duplicate.json.
 *
 * @example
 * const a = fingerprint({ title: 'Kosovo and Serbia resume talks', text: body });
 * const b = fingerprint({ title: 'EU: talks resume', text: `${body}\nSource: Reuters` });
 * isNearDuplicate(a, b) // true when the bodies are near-identical
 */

export interface NearDuplicateConfig {
  /** Words per shingle. */
  readonly shingleWords: number;
  /** Largest Hamming distance (of 64 bits) that still counts as the same story. */
  readonly maxDistance: number;
  /** Below this many shingles a text is too short to judge by similarity: only an identical fingerprint counts. */
  readonly minShingles: number;
  /** Candidates are looked for among articles published this many days either side. */
  readonly windowDays: number;
  /**
   * The title is left out of the fingerprint only when the text has at least this many words.
   * Shorter texts are teasers and leads: two different articles can share one (a feed's stock
   * description, a syndicated lead under a new story), and a false match would hide a story.
   */
  readonly titleFreeWords: number;
}

export interface Fingerprint {
  /** The 64-bit SimHash as 16 lower-case hex digits. */
  readonly hash: string;
  /** How many shingles the text had (a measure of how much text the hash stands for). */
  readonly shingles: number;
}

export function validateNearDuplicateConfig(doc: unknown, where = 'near-duplicate config'): NearDuplicateConfig {
  const fail = (message: string, value: unknown): never => {
    throw new ConfigError(`${where}: ${message} (got ${JSON.stringify(value)})`, { value: JSON.stringify(value) });
  };
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) fail('must be an object', doc);
  const c = doc as Record<string, unknown>;
  const int = (key: string, min: number, max: number): number => {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(`"${key}" must be an integer from ${min} to ${max}`, v);
    return v as number;
  };
  const unknown = Object.keys(c).filter((k) => !['$comment', 'shingleWords', 'maxDistance', 'minShingles', 'windowDays', 'titleFreeWords'].includes(k));
  if (unknown.length > 0) fail(`unknown key "${unknown[0]}"`, unknown[0]);
  return {
    shingleWords: int('shingleWords', 1, 8),
    // At most 15: the 64 bits must still cut into bands of 4 bits or more.
    maxDistance: int('maxDistance', 0, 15),
    minShingles: int('minShingles', 1, 1000),
    windowDays: int('windowDays', 0, 365),
    titleFreeWords: int('titleFreeWords', 1, 10_000),
  };
}

export const defaultNearDuplicateConfig: NearDuplicateConfig = validateNearDuplicateConfig(rawConfig, 'data/near-duplicate.json');

const WORD = /[\p{L}\p{N}]+/gu;

/** murmur3's 32-bit finalizer: spreads every input bit over the whole word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Two independent 32-bit FNV-1a hashes of a string (different offset bases), finalized. */
function hash64(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  return [fmix32(a), fmix32(b ^ 0x9e3779b9)];
}

/** The words of a text, folded (case, script, diacritics) so that transliterated copies match. */
export function words(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

/**
 * The fingerprint of an article: of its text (content, or summary when it has no content) when
 * that has at least `titleFreeWords` words, else of its title and text. The title is left out of
 * long texts because syndication rewrites headlines far more often than bodies; it stays in short
 * ones, where the text alone does not tell two articles apart. Pure and deterministic.
 */
export function fingerprint(input: { readonly title: string; readonly text: string }, config: NearDuplicateConfig = defaultNearDuplicateConfig): Fingerprint {
  const body = words(input.text);
  const tokens = body.length >= Math.max(config.titleFreeWords, config.minShingles + config.shingleWords - 1) ? body : words(`${input.title}\n${input.text}`);
  const k = config.shingleWords;
  const votes = new Int32Array(64);
  let shingles = 0;
  const last = Math.max(0, tokens.length - k);
  for (let i = 0; i <= last && tokens.length > 0; i++) {
    const [hi, lo] = hash64(tokens.slice(i, i + k).join(' '));
    for (let bit = 0; bit < 32; bit++) {
      votes[bit] = (votes[bit] ?? 0) + ((hi >>> bit) & 1 ? 1 : -1);
      votes[32 + bit] = (votes[32 + bit] ?? 0) + ((lo >>> bit) & 1 ? 1 : -1);
    }
    shingles++;
  }
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if ((votes[bit] ?? 0) > 0) hi |= 1 << bit;
    if ((votes[32 + bit] ?? 0) > 0) lo |= 1 << bit;
  }
  const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
  return { hash: `${hex(hi)}${hex(lo)}`, shingles };
}

function popcount32(n: number): number {
  n -= (n >>> 1) & 0x55555555;
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (Math.imul((n + (n >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Bits that differ between two fingerprint hashes (0–64). */
export function hammingDistance(a: string, b: string): number {
  const hiA = parseInt(a.slice(0, 8), 16);
  const loA = parseInt(a.slice(8, 16), 16);
  const hiB = parseInt(b.slice(0, 8), 16);
  const loB = parseInt(b.slice(8, 16), 16);
  return popcount32((hiA ^ hiB) >>> 0) + popcount32((loA ^ loB) >>> 0);
}

/**
 * The band values of a hash, one per band, each prefixed with its band number: two hashes
 * within `maxDistance` bits share at least one of them.
 *
 * @example bands('0123456789abcdef', { maxDistance: 3 }) // ['0:123', '1:4567', '2:89ab', '3:cdef']
 */
export function bands(hash: string, config: Pick<NearDuplicateConfig, 'maxDistance'> = defaultNearDuplicateConfig): string[] {
  const count = config.maxDistance + 1;
  const bits = [...hash].map((h) => parseInt(h, 16).toString(2).padStart(4, '0')).join('');
  const out: string[] = [];
  for (let band = 0; band < count; band++) {
    const start = Math.floor((band * 64) / count);
    const end = Math.floor(((band + 1) * 64) / count);
    out.push(`${band}:${parseInt(bits.slice(start, end), 2).toString(16)}`);
  }
  return out;
}

/** Whether two fingerprints stand for the same story. Short texts must match exactly. */
export function isNearDuplicate(a: Fingerprint, b: Fingerprint, config: NearDuplicateConfig = defaultNearDuplicateConfig): boolean {
  const distance = hammingDistance(a.hash, b.hash);
  if (Math.min(a.shingles, b.shingles) < config.minShingles) return distance === 0;
  return distance <= config.maxDistance;
}
