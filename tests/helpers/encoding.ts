/**
 * Bytes of a text in a single-byte legacy charset, by inverting TextDecoder's table: tests write
 * their own windows-1250/1251 fixtures instead of copying anyone's files.
 */
export function encodeLegacy(text: string, charset: string): Uint8Array {
  const decoder = new TextDecoder(charset);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) {
    const ch = decoder.decode(Uint8Array.of(b));
    if (!table.has(ch)) table.set(ch, b);
  }
  return Uint8Array.from([...text].map((ch) => {
    const byte = table.get(ch);
    if (byte === undefined) throw new Error(`no ${charset} byte for ${JSON.stringify(ch)}`);
    return byte;
  }));
}
