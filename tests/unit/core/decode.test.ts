import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  charsetFromContentType,
  decodeFeedBytes,
  detectCharset,
  fixC1Controls,
  resolveCharset,
  utf8Status,
  validateCharsetData,
} from '../../../functions/core/decode';
import { ConfigError, FeedDecodeError } from '../../../functions/core/errors';

/** Encode text in a single-byte charset by inverting TextDecoder's table (the test writes its own bytes). */
function encoder(charset: string): { encode(text: string): Uint8Array; repertoire: string[] } {
  const decoder = new TextDecoder(charset);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) {
    const ch = decoder.decode(Uint8Array.of(b));
    if (ch !== '\uFFFD' && !table.has(ch)) table.set(ch, b);
  }
  return {
    encode: (text) =>
      Uint8Array.from([...text].map((ch) => {
        const byte = table.get(ch);
        if (byte === undefined) throw new Error(`no ${charset} byte for ${ch}`);
        return byte;
      })),
    // Printable characters only: C1 controls are never text (decode reads them as windows-1252).
    repertoire: [...table.keys()].filter((ch) => /^[\p{L}\p{N}\p{P}\p{S}\p{Zs}]$/u.test(ch) && !/[\x80-\x9f]/.test(ch)),
  };
}

const utf16 = (text: string, littleEndian: boolean): Uint8Array => {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[i * 2 + (littleEndian ? 0 : 1)] = unit & 0xff;
    out[i * 2 + (littleEndian ? 1 : 0)] = unit >> 8;
  }
  return out;
};

const utf32 = (text: string, littleEndian: boolean): Uint8Array => {
  const cps = [...text].map((c) => c.codePointAt(0) ?? 0);
  const out = new Uint8Array(cps.length * 4);
  const view = new DataView(out.buffer);
  cps.forEach((cp, i) => view.setUint32(i * 4, cp, littleEndian));
  return out;
};

const xml = (encoding: string, body: string): string => `<?xml version="1.0" encoding="${encoding}"?><rss><channel><title>${body}</title></channel></rss>`;

describe('decodeFeedBytes: where the charset comes from', () => {
  it('GIVEN a windows-1250 XML declaration WHEN decoding THEN Serbian Latin letters survive', () => {
    const decoded = decodeFeedBytes(encoder('windows-1250').encode(xml('windows-1250', 'Čačak, Šabac, Đakovica, Žabljak, ćevapi')));
    expect(decoded).toMatchObject({ charset: 'windows-1250', charsetSource: 'xml' });
    expect(decoded.text).toContain('Čačak, Šabac, Đakovica, Žabljak, ćevapi');
  });

  it('GIVEN an HTTP charset WHEN the XML declaration disagrees THEN the HTTP charset wins', () => {
    const bytes = encoder('windows-1251').encode(xml('iso-8859-5', 'Србија и Северна Македонија'));
    const decoded = decodeFeedBytes(bytes, 'application/rss+xml; charset="windows-1251"');
    expect(decoded).toMatchObject({ charset: 'windows-1251', charsetSource: 'http' });
    expect(decoded.text).toContain('Србија и Северна Македонија');
  });

  it('GIVEN a UTF-8 BOM WHEN the declaration names another charset THEN the BOM wins', () => {
    const body = new TextEncoder().encode(xml('windows-1250', 'Kosovë, Shqipëri, çështje'));
    const decoded = decodeFeedBytes(Uint8Array.from([0xef, 0xbb, 0xbf, ...body]), 'text/xml; charset=windows-1250');
    expect(decoded).toMatchObject({ charset: 'utf-8', charsetSource: 'bom' });
    expect(decoded.text).toContain('Kosovë, Shqipëri, çështje');
    expect(decoded.text.startsWith('<?xml')).toBe(true);
  });

  it.each([
    ['utf-16le', true, [0xff, 0xfe]],
    ['utf-16be', false, [0xfe, 0xff]],
  ] as const)('reads %s with and without a BOM', (charset, le, bom) => {
    const text = xml('utf-16', 'Приштина – Prishtinë');
    expect(decodeFeedBytes(Uint8Array.from([...bom, ...utf16(text, le)]))).toMatchObject({ text, charset, charsetSource: 'bom' });
    expect(decodeFeedBytes(utf16(text, le))).toMatchObject({ text, charset, charsetSource: 'sniffed' });
  });

  it.each([
    ['utf-32le', true, [0xff, 0xfe, 0x00, 0x00]],
    ['utf-32be', false, [0x00, 0x00, 0xfe, 0xff]],
  ] as const)('reads %s (which TextDecoder lacks) with and without a BOM, astral characters included', (charset, le, bom) => {
    const text = xml('utf-32', 'Podgorica 🇲🇪 Cetinje');
    expect(decodeFeedBytes(Uint8Array.from([...bom, ...utf32(text, le)]))).toMatchObject({ text, charset, charsetSource: 'bom' });
    expect(decodeFeedBytes(utf32(text, le))).toMatchObject({ text, charset, charsetSource: 'sniffed' });
  });

  it('GIVEN no charset anywhere and UTF-8 bytes WHEN decoding THEN UTF-8 is used', () => {
    const decoded = decodeFeedBytes(new TextEncoder().encode('<rss><title>Приштина</title></rss>'));
    expect(decoded).toMatchObject({ charset: 'utf-8', charsetSource: 'default', text: '<rss><title>Приштина</title></rss>' });
  });

  it('reads ISO-8859-2, ISO-8859-5 and KOI8-R from their declarations', () => {
    const cases = [
      ['iso-8859-2', 'Čačak, Šabac, Žabljak, Łódź'],
      ['iso-8859-5', 'Београд, Скопје, Подгорица'],
      ['koi8-r', 'Привет, Москва! Ёжик'],
    ] as const;
    for (const [charset, text] of cases) {
      const decoded = decodeFeedBytes(encoder(charset).encode(xml(charset, text)));
      expect(decoded.charset, charset).toBe(charset);
      expect(decoded.text, charset).toContain(text);
    }
  });
});

describe('decodeFeedBytes: labels that are wrong or unknown', () => {
  it('GIVEN "iso-8859-1" or "us-ascii" WHEN bytes 0x80-0x9F occur THEN they read as windows-1252 (€, quotes), as browsers do', () => {
    const head = new TextEncoder().encode('<?xml version="1.0" encoding="iso-8859-1"?><rss><title>');
    const tail = new TextEncoder().encode('</title></rss>');
    const body = Uint8Array.from([...head, 0x80, 0x20, 0x93, 0x4b, 0x94, 0x20, 0xeb, ...tail]);
    const decoded = decodeFeedBytes(body);
    expect(decoded.charset).toBe('windows-1252');
    expect(decoded.text).toContain('€ “K” ë');
    expect(decodeFeedBytes(body, 'text/xml; charset=us-ascii').text).toContain('€ “K” ë');
  });

  it('GIVEN windows-1252 WHEN decoding 0x80-0x9F THEN the windows-1252 characters come out (Node 20.18.3+ maps them to C1 controls)', () => {
    const all = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
    const text = decodeFeedBytes(all, 'text/xml; charset=windows-1252').text;
    expect(text.slice(0, 4)).toBe('€\u0081‚ƒ');
    expect(text).toContain('™š›œ');
    expect(text.endsWith('žŸ')).toBe(true);
  });

  it('GIVEN an unknown charset name WHEN the bytes are not UTF-8 THEN a FeedDecodeError (bad_charset) names the feed and the label', () => {
    const bytes = encoder('windows-1250').encode(xml('x-bogus-7', 'Čačak'));
    const attempt = () => decodeFeedBytes(bytes, undefined, { feedId: 'f1' });
    expect(attempt).toThrowError(FeedDecodeError);
    expect(attempt).toThrowError('feed "f1": unknown charset "x-bogus-7"');
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: 'bad_charset', context: { feedId: 'f1', value: 'x-bogus-7' } });
    }
  });

  it('GIVEN an unknown charset name WHEN the bytes are valid UTF-8 THEN they decode as UTF-8 and the label is reported', () => {
    const decoded = decodeFeedBytes(new TextEncoder().encode(xml('bogus', 'Café, Tiranë')));
    expect(decoded).toMatchObject({ charset: 'utf-8', charsetSource: 'default', declared: 'bogus' });
    expect(decoded.text).toContain('Café, Tiranë');
  });

  it('GIVEN a legacy label on well-formed multi-byte UTF-8 WHEN decoding THEN UTF-8 is used, not double-decoded', () => {
    const decoded = decodeFeedBytes(new TextEncoder().encode(xml('ISO-8859-1', 'Café – Beograd')));
    expect(decoded).toMatchObject({ charset: 'utf-8', charsetSource: 'xml', declared: 'ISO-8859-1' });
    expect(decoded.text).toContain('Café – Beograd');
  });

  it('GIVEN HTTP says UTF-8 WHEN the body is windows-1250 with its own declaration THEN the declaration is used', () => {
    const bytes = encoder('windows-1250').encode(xml('windows-1250', 'Novi Sad: počela izgradnja mosta'));
    const decoded = decodeFeedBytes(bytes, 'application/xml; charset=utf-8');
    expect(decoded).toMatchObject({ charset: 'windows-1250', charsetSource: 'xml', declared: 'utf-8' });
    expect(decoded.text).toContain('počela izgradnja');
  });

  it('GIVEN a UTF-16 label on ASCII-compatible bytes WHEN decoding THEN the label is ignored', () => {
    const decoded = decodeFeedBytes(new TextEncoder().encode(xml('utf-16', 'Skopje')));
    expect(decoded).toMatchObject({ charset: 'utf-8', declared: 'utf-16' });
  });

  it('refuses EBCDIC with a bad_charset error', () => {
    const ebcdic = Uint8Array.from([0x4c, 0x6f, 0xa7, 0x94, 0x93, 0x40]);
    expect(() => decodeFeedBytes(ebcdic, undefined, { feedId: 'old' })).toThrowError('feed "old": EBCDIC-encoded documents are not supported');
  });

  it('knows the spellings publishers use', () => {
    expect(resolveCharset('windows_1250')).toBe('windows-1250');
    expect(resolveCharset(' "CP1251" ')).toBe('windows-1251');
    expect(resolveCharset('ms-ee')).toBe('windows-1250');
    expect(resolveCharset('mac-cyrillic')).toBe('x-mac-cyrillic');
    expect(resolveCharset('latin2')).toBe('iso-8859-2');
    expect(resolveCharset('ucs-4')).toBe('utf-32');
    expect(resolveCharset('cp437')).toBeUndefined();
  });

  it('reads quoted and unquoted charset parameters', () => {
    expect(charsetFromContentType('text/xml; charset=ISO-8859-2')).toBe('ISO-8859-2');
    expect(charsetFromContentType('text/xml;charset= "us-ascii"')).toBe('us-ascii');
    expect(charsetFromContentType("application/atom+xml; charset='gb2312'")).toBe('gb2312');
    expect(charsetFromContentType('text/xml; charset:iso-8859-1')).toBeUndefined();
    expect(charsetFromContentType('text/xml')).toBeUndefined();
  });
});

describe('decodeFeedBytes: bodies that declare nothing and are not UTF-8', () => {
  it.each([
    ['windows-1250', 'Vlada Srbije je juče u Čačku i Šapcu razgovarala o ćirilici, đacima i žetvi.'],
    ['windows-1251', 'Влада Србије је јуче у Чачку разговарала о ћирилици, ђацима и жетви.'],
    ['windows-1251', 'Владата на Северна Македонија денеска во Скопје разговараше за ѓубрето и ќерамидите.'],
    ['koi8-r', 'Правительство вчера обсуждало новый закон о выборах и бюджет.'],
    ['windows-1252', 'Le gouvernement a été prévenu à Paris : crème brûlée, façade, être là.'],
    // Albanian ë and ç sit on the same bytes in windows-1250 and windows-1252: either reads right.
    ['windows-1252', 'Qeveria e Shqipërisë diskutoi në Tiranë për çështjet e reformës.'],
  ] as const)('detects %s text', (charset, text) => {
    const bytes = encoder(charset).encode(`<rss><channel><title>${text}</title></channel></rss>`);
    const decoded = decodeFeedBytes(bytes);
    expect(decoded.charsetSource).toBe('detected');
    expect(decoded.text).toContain(text);
    expect(decodeFeedBytes(bytes, undefined).text).toBe(new TextDecoder(detectCharset(bytes)).decode(bytes));
  });

  it('keeps damaged UTF-8 as UTF-8 (a few bad bytes among many good sequences)', () => {
    const good = new TextEncoder().encode('<rss><title>Đorđe Čolić, Šabac, Žabljak, Priština</title>');
    const decoded = decodeFeedBytes(Uint8Array.from([...good, 0xff, ...new TextEncoder().encode('</rss>')]));
    expect(decoded).toMatchObject({ charset: 'utf-8', charsetSource: 'default' });
    expect(decoded.text).toContain('Đorđe Čolić');
  });

  it('classifies bytes as UTF-8 or not', () => {
    expect(utf8Status(new TextEncoder().encode('abc'))).toBe('ascii');
    expect(utf8Status(new TextEncoder().encode('Čačak'))).toBe('valid');
    expect(utf8Status(Uint8Array.from([0xc8, 0x61, 0xe8, 0x61, 0x6b]))).toBe('invalid');
    expect(utf8Status(Uint8Array.from([0xc3, 0xa9, 0xc3, 0xa9, 0xc3, 0xa9, 0xc3, 0xa9, 0xff]))).toBe('mixed');
  });
});

describe('decoding round-trips (property)', () => {
  const charsets = ['windows-1250', 'windows-1251', 'windows-1252', 'iso-8859-2', 'iso-8859-5', 'koi8-r', 'koi8-u', 'windows-1253', 'windows-1257', 'ibm866', 'macintosh', 'x-mac-cyrillic'];

  it.each(charsets)('%s: a feed encoded and declared in HTTP decodes to the same text', (charset) => {
    const { encode, repertoire } = encoder(charset);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...repertoire), { minLength: 1, maxLength: 60 }), (chars) => {
        // The text inside a document, as feeds are: bare, "ÿþ..." would read as a UTF-16 BOM.
        const text = `<rss><title>${chars.join('')}</title></rss>`;
        const bytes = encode(text);
        // By design a legacy label on bytes that are entirely well-formed multi-byte UTF-8 reads as
        // UTF-8 (the mislabelled-CMS case); the round trip holds for every other text.
        fc.pre(utf8Status(bytes) !== 'valid');
        expect(decodeFeedBytes(bytes, `text/xml; charset=${charset}`).text).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('UTF-8, UTF-16 and UTF-32 (both byte orders, with a BOM) round-trip any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), (text) => {
        const clean = fixC1Controls(text).replace(/^\uFEFF/, '');
        const variants = [
          Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(clean)]),
          Uint8Array.from([0xff, 0xfe, ...utf16(clean, true)]),
          Uint8Array.from([0xfe, 0xff, ...utf16(clean, false)]),
          Uint8Array.from([0xff, 0xfe, 0x00, 0x00, ...utf32(clean, true)]),
          Uint8Array.from([0x00, 0x00, 0xfe, 0xff, ...utf32(clean, false)]),
        ];
        for (const bytes of variants) expect(decodeFeedBytes(bytes).text).toBe(clean);
      }),
      { numRuns: 300 },
    );
  });
});

describe('data/charsets.json', () => {
  it('is rejected at load when an alias names an encoding TextDecoder does not know', () => {
    const valid = { aliases: { 'ms-ee': 'windows-1250' }, detect: ['windows-1250'], commonCharacters: '', rareLetters: '' };
    expect(validateCharsetData(valid).aliases['ms-ee']).toBe('windows-1250');
    expect(() => validateCharsetData({ ...valid, aliases: { x: 'klingon-1' } })).toThrowError(ConfigError);
    expect(() => validateCharsetData({ ...valid, aliases: { x: 'klingon-1' } })).toThrowError('alias "x" must name an encoding TextDecoder knows (got "klingon-1")');
    expect(() => validateCharsetData({ ...valid, detect: [] })).toThrowError('"detect" must be a non-empty array');
  });
});
