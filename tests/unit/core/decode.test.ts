import { describe, expect, it } from 'vitest';
import { charsetFromContentType, decodeFeedBytes } from '../../../functions/core/decode';
import { FeedDecodeError } from '../../../functions/core/errors';

const encode = (text: string, charset: 'windows-1250' | 'windows-1251'): Uint8Array => {
  // Build the legacy bytes by inverting TextDecoder's table over the single-byte range.
  const decoder = new TextDecoder(charset);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(decoder.decode(Uint8Array.of(b)), b);
  return Uint8Array.from([...text].map((ch) => {
    const byte = table.get(ch);
    if (byte === undefined) throw new Error(`no ${charset} byte for ${ch}`);
    return byte;
  }));
};

describe('decodeFeedBytes', () => {
  it('GIVEN a windows-1250 XML declaration WHEN decoding THEN Serbian Latin letters survive', () => {
    const bytes = encode('<?xml version="1.0" encoding="windows-1250"?><rss><title>Čačak, Šabac, Đakovica, Žabljak</title></rss>', 'windows-1250');
    const decoded = decodeFeedBytes(bytes);
    expect(decoded.charset).toBe('windows-1250');
    expect(decoded.charsetSource).toBe('xml');
    expect(decoded.text).toContain('Čačak, Šabac, Đakovica, Žabljak');
  });

  it('GIVEN an HTTP charset WHEN the XML declaration disagrees THEN the HTTP charset wins', () => {
    const bytes = encode('<?xml version="1.0" encoding="utf-8"?><rss><title>Србија</title></rss>', 'windows-1251');
    const decoded = decodeFeedBytes(bytes, 'application/rss+xml; charset="windows-1251"');
    expect(decoded.charsetSource).toBe('http');
    expect(decoded.text).toContain('Србија');
  });

  it('GIVEN a UTF-8 BOM WHEN the declaration names another charset THEN the BOM wins', () => {
    const body = new TextEncoder().encode('<?xml version="1.0" encoding="windows-1250"?><feed><title>Kosovë, Shqipëri, çështje</title></feed>');
    const decoded = decodeFeedBytes(Uint8Array.from([0xef, 0xbb, 0xbf, ...body]));
    expect(decoded.charsetSource).toBe('bom');
    expect(decoded.text).toContain('Kosovë, Shqipëri, çështje');
  });

  it('GIVEN UTF-16LE without a BOM WHEN decoding THEN the NUL pattern is recognised', () => {
    const text = '<?xml version="1.0" encoding="utf-16"?><rss/>';
    const bytes = new Uint8Array(text.length * 2);
    [...text].forEach((ch, i) => (bytes[i * 2] = ch.charCodeAt(0)));
    expect(decodeFeedBytes(bytes).text).toBe(text);
  });

  it('GIVEN no charset anywhere WHEN decoding THEN UTF-8 is used', () => {
    const decoded = decodeFeedBytes(new TextEncoder().encode('<rss><title>Приштина</title></rss>'));
    expect(decoded).toMatchObject({ charset: 'utf-8', charsetSource: 'default' });
    expect(decoded.text).toContain('Приштина');
  });

  it('GIVEN an unknown charset name WHEN decoding THEN a FeedDecodeError names it', () => {
    const bytes = new TextEncoder().encode('<?xml version="1.0" encoding="x-bogus-7"?><rss/>');
    expect(() => decodeFeedBytes(bytes, undefined, { feedId: 'f1' })).toThrowError(FeedDecodeError);
    expect(() => decodeFeedBytes(bytes, undefined, { feedId: 'f1' })).toThrowError('feed "f1": unknown charset "x-bogus-7"');
  });

  it('reads quoted and unquoted charset parameters', () => {
    expect(charsetFromContentType('text/xml; charset=ISO-8859-2')).toBe('ISO-8859-2');
    expect(charsetFromContentType('text/xml;charset= "us-ascii"')).toBe('us-ascii');
    expect(charsetFromContentType('text/xml')).toBeUndefined();
  });
});
