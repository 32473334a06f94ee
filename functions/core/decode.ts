import { FeedDecodeError, type ErrorContext } from './errors';

/**
 * Turn a feed's bytes into text. rss-parser only ever reads UTF-8, and Balkan outlets still
 * publish windows-1250, ISO-8859-2 and windows-1251, so the charset is decided here, in this order:
 * byte-order mark, HTTP Content-Type charset, XML declaration, then UTF-8.
 *
 * @example decodeFeedBytes(bytes, 'text/xml; charset=windows-1250').text
 */
export interface Decoded {
  readonly text: string;
  /** The WHATWG name of the encoding used, e.g. "windows-1250". */
  readonly charset: string;
  readonly charsetSource: 'bom' | 'http' | 'xml' | 'default';
}

const BOMS: ReadonlyArray<readonly [readonly number[], string]> = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xfe, 0xff], 'utf-16be'],
  [[0xff, 0xfe], 'utf-16le'],
];

function bomCharset(bytes: Uint8Array): string | undefined {
  for (const [bom, charset] of BOMS) {
    if (bom.every((b, i) => bytes[i] === b)) return charset;
  }
  return undefined;
}

/** The charset parameter of a Content-Type header, unquoted; undefined when absent. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType);
  return match?.[2]?.trim() || undefined;
}

/** The encoding named by an XML declaration in the first bytes (ASCII-compatible encodings only). */
export function charsetFromXmlDeclaration(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512));
  const match = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']/.exec(head);
  return match?.[1]?.trim() || undefined;
}

/** UTF-16 without a BOM is recognisable by the NUL bytes around the first "<". */
function sniffUtf16(bytes: Uint8Array): string | undefined {
  if (bytes.length < 4) return undefined;
  if (bytes[0] === 0x3c && bytes[1] === 0x00 && bytes[2] !== 0x00) return 'utf-16le';
  if (bytes[0] === 0x00 && bytes[1] === 0x3c && bytes[3] !== 0x00) return 'utf-16be';
  return undefined;
}

function decoderFor(label: string, context: ErrorContext): InstanceType<typeof TextDecoder> {
  try {
    return new TextDecoder(label.toLowerCase(), { fatal: false, ignoreBOM: false });
  } catch (cause) {
    throw new FeedDecodeError(`unknown charset "${label}"`, { ...context, value: label }, { cause });
  }
}

export function decodeFeedBytes(
  bytes: Uint8Array,
  contentType?: string,
  context: ErrorContext = {},
): Decoded {
  let charset: string | undefined;
  let charsetSource: Decoded['charsetSource'] = 'default';

  const fromBom = bomCharset(bytes) ?? sniffUtf16(bytes);
  const fromHttp = charsetFromContentType(contentType);
  const fromXml = fromBom || fromHttp ? undefined : charsetFromXmlDeclaration(bytes);
  if (fromBom) [charset, charsetSource] = [fromBom, 'bom'];
  else if (fromHttp) [charset, charsetSource] = [fromHttp, 'http'];
  else if (fromXml) [charset, charsetSource] = [fromXml, 'xml'];

  const decoder = decoderFor(charset ?? 'utf-8', context);
  const text = decoder.decode(bytes);
  return { text, charset: decoder.encoding, charsetSource };
}
