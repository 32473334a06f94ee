import charsetData from '../../data/charsets.json' with { type: 'json' };
import { ConfigError, FeedDecodeError, type ErrorContext } from './errors';

/**
 * Turn a feed's bytes into text. rss-parser only ever reads UTF-8, and Balkan outlets still
 * publish windows-1250, ISO-8859-2 and windows-1251, so the charset is decided here:
 *
 * 1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) decides;
 * 2. otherwise UTF-16/32 without a BOM is recognised by its NUL bytes, and EBCDIC is refused;
 * 3. then the HTTP Content-Type charset, then the XML declaration, then UTF-8.
 *
 * Real servers mislabel often, so a declaration is checked against the bytes:
 * - a legacy single-byte label on bytes that are entirely valid, non-ASCII UTF-8 is ignored
 *   (an "iso-8859-1" template on a UTF-8 CMS: decoding it as Latin-1 would double-encode);
 * - a UTF-8 label on bytes that are not UTF-8 at all yields to the next declaration;
 * - a UTF-16/32 label on ASCII-compatible bytes is ignored (the label cannot be true);
 * - a label nobody knows (e.g. "bogus") is ignored when the bytes are valid UTF-8, and is a
 *   FeedDecodeError (code bad_charset) naming the label when they are not: never garbage.
 * A body that declares nothing and is not UTF-8 is decoded with the most natural-looking of
 * the encodings listed in data/charsets.json (`charsetSource: "detected"`).
 *
 * Labels follow the WHATWG Encoding Standard, as browsers do: "iso-8859-1", "latin1" and
 * "us-ascii" decode as windows-1252. For feeds this is right: bytes 0x80-0x9F are C1 control
 * characters in ISO-8859-1, which no feed means; publishers who use them mean windows-1252's
 * quotes, dashes and €. (Node's own windows-1252 decoder maps those bytes to C1 controls in
 * Node 20.18.3+/22.13+, nodejs/node#56542, so that range is decoded here.)
 *
 * @example decodeFeedBytes(bytes, 'text/xml; charset=windows-1250').text
 */
export interface Decoded {
  readonly text: string;
  /** The WHATWG name of the encoding used, e.g. "windows-1250" (or "utf-32le"/"utf-32be"). */
  readonly charset: string;
  readonly charsetSource: 'bom' | 'sniffed' | 'http' | 'xml' | 'default' | 'detected';
  /** The label that was declared, when it was not used as given (mislabelled or unknown). */
  readonly declared?: string;
}

// ---------------------------------------------------------------------------------------------
// Data (data/charsets.json), validated once at load.

export interface CharsetData {
  readonly aliases: Readonly<Record<string, string>>;
  readonly detect: readonly string[];
  readonly commonCharacters: string;
  readonly rareLetters: string;
}

function knownToTextDecoder(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** Validate data/charsets.json: every alias target and detection candidate must be decodable here. */
export function validateCharsetData(doc: unknown, where = 'data/charsets.json'): CharsetData {
  const fail = (message: string, value: unknown): never => {
    throw new ConfigError(`${where}: ${message} (got ${JSON.stringify(value)})`, { value: JSON.stringify(value) });
  };
  if (!doc || typeof doc !== 'object') fail('must be an object', doc);
  const { aliases, detect, commonCharacters, rareLetters } = doc as Record<string, unknown>;
  if (!aliases || typeof aliases !== 'object' || Array.isArray(aliases)) fail('"aliases" must be an object', aliases);
  for (const [name, target] of Object.entries(aliases as Record<string, unknown>)) {
    if (name !== name.toLowerCase()) fail(`alias "${name}" must be lower case`, name);
    if (typeof target !== 'string' || !knownToTextDecoder(target)) fail(`alias "${name}" must name an encoding TextDecoder knows`, target);
  }
  if (!Array.isArray(detect) || detect.length === 0) fail('"detect" must be a non-empty array', detect);
  for (const label of detect as unknown[]) {
    if (typeof label !== 'string' || !knownToTextDecoder(label)) fail('"detect" entries must name encodings TextDecoder knows', label);
  }
  if (typeof commonCharacters !== 'string') fail('"commonCharacters" must be a string', commonCharacters);
  if (typeof rareLetters !== 'string') fail('"rareLetters" must be a string', rareLetters);
  return {
    aliases: aliases as Record<string, string>,
    detect: detect as string[],
    commonCharacters: commonCharacters as string,
    rareLetters: rareLetters as string,
  };
}

const DATA = validateCharsetData(charsetData);

// ---------------------------------------------------------------------------------------------
// Labels

const UTF32 = new Map<string, 'utf-32le' | 'utf-32be' | 'utf-32'>([
  ['utf-32', 'utf-32'], ['utf32', 'utf-32'], ['ucs-4', 'utf-32'], ['ucs4', 'utf-32'], ['csucs4', 'utf-32'],
  ['iso-10646-ucs-4', 'utf-32'], ['utf-32le', 'utf-32le'], ['utf-32be', 'utf-32be'],
]);
const UTF16 = new Set(['utf-16', 'utf16', 'u16', 'ucs-2', 'ucs2', 'csunicode', 'iso-10646-ucs-2', 'unicode', 'utf-16le', 'utf-16be', 'unicodefffe', 'unicodefeff']);

/** An encoding we can decode: a WHATWG name, or one of the wide families decided by the bytes. */
type Encoding = string;

/**
 * The encoding a charset label names, or undefined when nobody knows it. Wide families come back
 * as "utf-16"/"utf-32" (their byte order is decided from the bytes).
 *
 * @example resolveCharset('ISO-8859-2') // "iso-8859-2";  resolveCharset('windows_1250') // "windows-1250"
 */
export function resolveCharset(label: string): Encoding | undefined {
  const raw = label.trim().replace(/^["']+|["']+$/g, '').toLowerCase();
  if (!raw) return undefined;
  for (const name of raw.includes('_') ? [raw, raw.replace(/_/g, '-')] : [raw]) {
    const wide32 = UTF32.get(name);
    if (wide32) return wide32;
    if (UTF16.has(name)) return name.endsWith('le') ? 'utf-16le' : name.endsWith('be') ? 'utf-16be' : 'utf-16';
    const alias = DATA.aliases[name];
    try {
      return new TextDecoder(alias ?? name).encoding;
    } catch {
      // not a WHATWG label: try the next spelling
    }
  }
  return undefined;
}

const isWide = (encoding: Encoding): boolean => encoding.startsWith('utf-16') || encoding.startsWith('utf-32');

/** The charset parameter of a Content-Type header, unquoted; undefined when absent. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*(["']?)([^"';\s]+)\1/i.exec(contentType);
  return match?.[2]?.trim() || undefined;
}

/** The encoding named by an XML declaration in the first bytes (ASCII-compatible encodings only). */
export function charsetFromXmlDeclaration(bytes: Uint8Array): string | undefined {
  const head = latin1(bytes.subarray(0, 512));
  const match = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']/.exec(head);
  return match?.[1]?.trim() || undefined;
}

// ---------------------------------------------------------------------------------------------
// Byte-level checks

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

const BOMS: ReadonlyArray<readonly [readonly number[], Encoding]> = [
  [[0x00, 0x00, 0xfe, 0xff], 'utf-32be'],
  [[0xff, 0xfe, 0x00, 0x00], 'utf-32le'],
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

function bomOf(bytes: Uint8Array): readonly [Encoding, number] | undefined {
  for (const [bom, encoding] of BOMS) {
    if (bytes.length >= bom.length && bom.every((b, i) => bytes[i] === b)) return [encoding, bom.length];
  }
  return undefined;
}

/** UTF-16/32 without a BOM by the NUL bytes around the first character; EBCDIC by "<?xm". */
function sniffWide(bytes: Uint8Array): Encoding | 'ebcdic' | undefined {
  if (bytes.length < 4) return undefined;
  const [a, b, c, d] = [bytes[0] !== 0, bytes[1] !== 0, bytes[2] !== 0, bytes[3] !== 0];
  if (!a && !b && !c && d) return 'utf-32be';
  if (a && !b && !c && !d) return 'utf-32le';
  if (!a && b && !c && d) return 'utf-16be';
  if (a && !b && c && !d) return 'utf-16le';
  if (bytes[0] === 0x4c && bytes[1] === 0x6f && bytes[2] === 0xa7 && bytes[3] === 0x94) return 'ebcdic';
  return undefined;
}

/**
 * How the bytes read as UTF-8: "ascii" (no byte above 0x7F), "valid" (well-formed, with
 * multi-byte sequences), "mixed" (mostly well-formed multi-byte sequences and a few bad bytes:
 * UTF-8 with damage) or "invalid" (bytes above 0x7F that are mostly not UTF-8).
 */
export function utf8Status(bytes: Uint8Array): 'ascii' | 'valid' | 'mixed' | 'invalid' {
  let good = 0;
  let bad = 0;
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || c < 0x80 || c > 0xbf) ok = false;
    }
    if (ok && need === 2) {
      const c = bytes[i + 1] as number;
      if ((b === 0xe0 && c < 0xa0) || (b === 0xed && c > 0x9f)) ok = false;
    }
    if (ok && need === 3) {
      const c = bytes[i + 1] as number;
      if ((b === 0xf0 && c < 0x90) || (b === 0xf4 && c > 0x8f)) ok = false;
    }
    if (ok) {
      good++;
      i += need + 1;
    } else {
      bad++;
      i++;
    }
  }
  if (bad === 0) return good === 0 ? 'ascii' : 'valid';
  // Legacy multi-byte text (Big5, EUC-KR...) forms the odd well-formed pair by chance; damaged
  // UTF-8 is mostly well-formed. Call it UTF-8 only when at least four in five sequences are.
  return good >= 4 * bad ? 'mixed' : 'invalid';
}

// ---------------------------------------------------------------------------------------------
// Decoders

/** WHATWG index-windows-1252 for bytes 0x80-0x9F (the rest is Latin-1). */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
].map((cp) => String.fromCharCode(cp));

/**
 * C1 control characters (U+0080-U+009F) read as the windows-1252 characters they almost always
 * were ("demoronizing"): no feed means a C1 control, and a publisher's pipeline that mistook
 * windows-1252 for Latin-1 leaves them where quotes, dashes and € belong.
 *
 * @example fixC1Controls('don\u0092t') // "don’t"
 */
export function fixC1Controls(text: string): string {
  return /[\x80-\x9f]/.test(text) ? text.replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80] ?? c) : text;
}

const WINDOWS_1252_BYTE = new Map(WINDOWS_1252_HIGH.map((ch, i) => [ch, 0x80 + i]));
const CONTINUATION = `\u0080-\u00bf${WINDOWS_1252_HIGH.join('')}`;
const MOJIBAKE = new RegExp(`[\u00c2-\u00f4][${CONTINUATION}]{1,3}`, 'g');
/** Characters UTF-8 text read as windows-1252 turns into, worth turning back: letters and punctuation of the region's scripts. */
const REPAIRABLE = /^[\u00a0-\u024f\u0370-\u052f\u2010-\u203a\u20ac\u2122]$/u;

/**
 * Undo UTF-8 that was read as windows-1252 (or Latin-1) somewhere upstream and re-encoded:
 * "Ä‡" back to "ć", "Å¡" to "š", "Ð¡Ñ€Ð±Ð¸Ñ˜Ð°" to "Србија", "â€™" to "’". A run is
 * repaired only when its bytes form exactly one well-formed UTF-8 character that is a letter or
 * punctuation of the Latin, Greek or Cyrillic blocks, so ordinary text is left alone.
 *
 * @example repairMojibake('NiÅ¡ i Ä‡evapi') // "Niš i ćevapi"
 */
export function repairMojibake(text: string): string {
  if (!/[\u00c2-\u00f4]/.test(text)) return text;
  return text.replace(MOJIBAKE, (run) => {
    const bytes = [...run].map((ch) => WINDOWS_1252_BYTE.get(ch) ?? ch.charCodeAt(0));
    const lead = bytes[0] ?? 0;
    const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
    if (bytes.length < length) return run;
    let decoded: string;
    try {
      decoded = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes.slice(0, length)));
    } catch {
      return run;
    }
    if (!REPAIRABLE.test(decoded)) return run;
    return decoded + run.slice(length);
  });
}

function decodeWindows1252(bytes: Uint8Array): string {
  return fixC1Controls(new TextDecoder('windows-1252').decode(bytes));
}

function decodeUtf32(bytes: Uint8Array, littleEndian: boolean): string {
  const parts: string[] = [];
  let chunk: number[] = [];
  const end = bytes.length - (bytes.length % 4);
  for (let i = 0; i < end; i += 4) {
    const [b0, b1, b2, b3] = [bytes[i] ?? 0, bytes[i + 1] ?? 0, bytes[i + 2] ?? 0, bytes[i + 3] ?? 0];
    let cp = littleEndian ? (b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)) >>> 0 : ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
    chunk.push(cp);
    if (chunk.length === 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  if (end < bytes.length) chunk.push(0xfffd);
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('').replace(/^\uFEFF/, '');
}

/** Decode with one encoding (replacement characters for bad bytes; a leading BOM is dropped). */
export function decodeAs(bytes: Uint8Array, encoding: Encoding): string {
  if (encoding === 'utf-32le' || encoding === 'utf-32be') return decodeUtf32(bytes, encoding === 'utf-32le');
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  return new TextDecoder(encoding).decode(bytes);
}

// ---------------------------------------------------------------------------------------------
// Detection for bodies that declare nothing and are not UTF-8

const RARE_LETTERS = new Set([...DATA.rareLetters]);
const COMMON_CHARACTERS = new Set([...DATA.commonCharacters]);

function scriptOf(cp: number): string {
  if (cp < 0x250 || (cp >= 0x1e00 && cp <= 0x1eff)) return 'latin';
  if (cp >= 0x370 && cp <= 0x3ff) return 'greek';
  if (cp >= 0x400 && cp <= 0x52f) return 'cyrillic';
  if (cp >= 0x590 && cp <= 0x5ff) return 'hebrew';
  if (cp >= 0x600 && cp <= 0x6ff) return 'arabic';
  if (cp >= 0xe00 && cp <= 0xe7f) return 'thai';
  if (cp >= 0x3040 && cp <= 0x30ff) return 'kana';
  if (cp >= 0x3400 && cp <= 0x9fff) return 'han';
  if (cp >= 0xac00 && cp <= 0xd7af) return 'hangul';
  return 'other';
}

/** What a non-ASCII character is, for scoring; computed once per character and kept. */
interface CharClass {
  /** Letter script, or null for punctuation/space (neutral) and symbols (penalised). */
  readonly script: string | null;
  readonly symbol: boolean;
  readonly upper: boolean;
  readonly lower: boolean;
  /** What the character adds to the score on its own. */
  readonly points: number;
}

const CLASSES = new Map<number, CharClass>();
const C1_OR_REPLACEMENT: CharClass = { script: null, symbol: false, upper: false, lower: false, points: -10 };

function classOf(cp: number): CharClass {
  const known = CLASSES.get(cp);
  if (known) return known;
  const ch = String.fromCodePoint(cp);
  let cls: CharClass;
  if ((cp >= 0x80 && cp <= 0x9f) || cp === 0xfffd) cls = C1_OR_REPLACEMENT;
  else if (!/\p{L}/u.test(ch)) {
    const symbol = !/[\p{P}\p{Zs}]/u.test(ch);
    cls = { script: null, symbol, upper: false, lower: false, points: symbol ? -3 : 0 };
  } else {
    const script = scriptOf(cp);
    const wide = script === 'han' || script === 'kana' || script === 'hangul';
    const points = (wide ? 2 : 1) + (COMMON_CHARACTERS.has(ch) ? 2 : 0) - (RARE_LETTERS.has(ch) ? 2 : 0);
    cls = { script, symbol: false, upper: /\p{Lu}/u.test(ch), lower: /\p{Ll}/u.test(ch), points };
  }
  if (CLASSES.size < 65_536) CLASSES.set(cp, cls);
  return cls;
}

const EAST_ASIAN = new Set(['han', 'kana', 'hangul']);

/**
 * How natural a decoding looks, per byte of input: letters inside words of one script score,
 * and the very frequent characters of Chinese, Japanese and Korean score more; C1 controls,
 * replacement characters, stray symbols, rare letters, words mixing scripts and upper case
 * after lower case inside a word (KOI8-R read as windows-1251, and back) cost.
 */
export function naturalness(text: string, byteLength: number): number {
  let score = 0;
  let wordScript: string | null = null;
  let prevLower = false;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp < 0x80) {
      const lower = cp >= 0x61 && cp <= 0x7a;
      if (!lower && !(cp >= 0x41 && cp <= 0x5a)) {
        wordScript = null;
        prevLower = false;
        continue;
      }
      if (wordScript && wordScript !== 'latin') score -= 5;
      wordScript = 'latin';
      prevLower = lower;
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
      cp = text.codePointAt(i) ?? cp;
      i++;
    }
    const cls = classOf(cp);
    score += cls.points;
    if (!cls.script) {
      wordScript = null;
      prevLower = false;
      continue;
    }
    if (wordScript && wordScript !== cls.script && !(EAST_ASIAN.has(cls.script) && EAST_ASIAN.has(wordScript))) score -= 5;
    if (cls.upper && prevLower) score -= 3;
    prevLower = cls.lower;
    wordScript = cls.script;
  }
  return byteLength > 0 ? score / byteLength : 0;
}

const SAMPLE_BYTES = 32 * 1024;

/** The most natural-looking decoding among data/charsets.json's candidates (ties: earlier wins). */
export function detectCharset(bytes: Uint8Array): Encoding {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  let best: Encoding = DATA.detect[0] ?? 'windows-1252';
  let bestScore = -Infinity;
  for (const candidate of DATA.detect) {
    let text: string;
    try {
      text = candidate === 'windows-1252' ? decodeWindows1252(sample) : new TextDecoder(candidate, { fatal: true }).decode(sample, { stream: true });
    } catch {
      continue; // not even well-formed in this encoding
    }
    const score = naturalness(text, sample.length);
    if (score > bestScore) [best, bestScore] = [candidate, score];
  }
  return best;
}

// ---------------------------------------------------------------------------------------------

export function decodeFeedBytes(bytes: Uint8Array, contentType?: string, context: ErrorContext = {}): Decoded {
  const decoded = decideAndDecode(bytes, contentType, context);
  const text = fixC1Controls(decoded.text);
  return text === decoded.text ? decoded : { ...decoded, text };
}

function decideAndDecode(bytes: Uint8Array, contentType: string | undefined, context: ErrorContext): Decoded {
  const bom = bomOf(bytes);
  if (bom) return { text: decodeAs(bytes.subarray(bom[1]), bom[0]), charset: bom[0], charsetSource: 'bom' };

  const wide = sniffWide(bytes);
  if (wide === 'ebcdic') {
    throw new FeedDecodeError('EBCDIC-encoded documents are not supported', { ...context, value: 'EBCDIC' });
  }
  if (wide) return { text: decodeAs(bytes, wide), charset: wide, charsetSource: 'sniffed' };

  const declarations: Array<readonly [string, 'http' | 'xml']> = [];
  const fromHttp = charsetFromContentType(contentType);
  if (fromHttp) declarations.push([fromHttp, 'http']);
  const fromXml = charsetFromXmlDeclaration(bytes);
  if (fromXml) declarations.push([fromXml, 'xml']);

  // Native strict decoding answers the common case (valid UTF-8) fast and yields the text too;
  // the byte scan runs only to tell damaged UTF-8 from another encoding.
  let status: ReturnType<typeof utf8Status> | undefined;
  let utf8Text: string | undefined;
  const utf8 = (): ReturnType<typeof utf8Status> => {
    if (status) return status;
    try {
      utf8Text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      status = utf8Text.length === bytes.length ? 'ascii' : 'valid';
    } catch {
      status = utf8Status(bytes);
    }
    return status;
  };
  const asUtf8 = (): string => utf8Text ?? decodeAs(bytes, 'utf-8');
  const unknown: string[] = [];
  let mislabelled: string | undefined;

  for (const [label, source] of declarations) {
    const encoding = resolveCharset(label);
    if (!encoding) {
      unknown.push(label);
      continue;
    }
    if (isWide(encoding)) {
      mislabelled ??= label; // a UTF-16/32 label on ASCII-compatible bytes cannot be true
      continue;
    }
    if (encoding === 'utf-8') {
      if (utf8() !== 'invalid') return withDeclared({ text: asUtf8(), charset: 'utf-8', charsetSource: source }, mislabelled);
      mislabelled ??= label; // says UTF-8, but not one UTF-8 sequence: ask the next declaration
      continue;
    }
    if (utf8() === 'valid') {
      // A legacy label on bytes that are entirely well-formed multi-byte UTF-8: the label is a leftover.
      return { text: asUtf8(), charset: 'utf-8', charsetSource: source, declared: label };
    }
    return withDeclared({ text: decodeAs(bytes, encoding), charset: encoding, charsetSource: source }, mislabelled);
  }

  const declared = mislabelled ?? unknown[0];
  if (utf8() !== 'invalid') return withDeclared({ text: asUtf8(), charset: 'utf-8', charsetSource: 'default' }, declared);
  if (unknown.length > 0) {
    const label = unknown[0] ?? '';
    throw new FeedDecodeError(`unknown charset "${label}"`, { ...context, value: label });
  }
  const detected = detectCharset(bytes);
  return withDeclared({ text: decodeAs(bytes, detected), charset: detected, charsetSource: 'detected' }, declared);
}

function withDeclared(decoded: Decoded, declared: string | undefined): Decoded {
  return declared ? { ...decoded, declared } : decoded;
}
