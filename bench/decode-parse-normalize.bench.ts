import { decodeFeedBytes } from '../functions/core/decode';
import { htmlToText } from '../functions/core/html-text';
import { normalizeFeed, readFeedDocument } from '../functions/core/pipeline';
import type { Benchmark } from './harness';

// Throughput of the pure front of the pipeline on feeds written here (no corpus needed):
// decode → parse → normalize, in items per second, for the shapes the Balkan feeds take.

const ITEMS = 50;
const ctx = { feed: { id: 'bench', url: 'https://bench.example/feed' }, feedUrl: 'https://bench.example/feed', fetchedAt: '2026-11-29T00:00:00.000Z' };

const PARAGRAPH_SR = 'Vlada Srbije je u Beogradu razgovarala sa predstavnicima Prištine o putevima, struji i ćirilici; sastanak u Briselu zakazan je za četvrtak, a Đorđe Žabić iz Čačka kaže da očekuje dogovor.';
const PARAGRAPH_MK = 'Владата на Северна Македонија денеска во Скопје разговараше за патиштата и енергијата; средбата во Брисел е закажана за четврток, а министерот вели дека очекува договор.';
const article = (text: string): string => `<p>${text}</p><p><strong>${text.slice(0, 60)}</strong> ${text}</p><ul><li>${text.slice(0, 40)}</li><li>${text.slice(40, 90)}</li></ul><p>${text}</p>`;

function rss(text: string, declaration: string): string {
  const items = Array.from({ length: ITEMS }, (_, i) => `<item><title>${text.slice(0, 70)} ${i}</title><link>https://bench.example/2026/11/${i}?utm_source=rss</link>
<guid isPermaLink="false">bench-${i}</guid><pubDate>Sun, 29 Nov 2026 ${String(i % 24).padStart(2, '0')}:15:00 +0100</pubDate><dc:creator>Desk</dc:creator><category>Politika</category>
<description><![CDATA[${text.slice(0, 160)}]]></description><content:encoded><![CDATA[${article(text)}<p>The post x appeared first on Bench.</p>]]></content:encoded></item>`).join('\n');
  return `<?xml version="1.0" encoding="${declaration}"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench</title><link>https://bench.example/</link><language>sr</language>
${items}</channel></rss>`;
}

function atomXhtml(text: string): string {
  const entries = Array.from({ length: ITEMS }, (_, i) => `<entry><title type="html">${text.slice(0, 70)} ${i}</title><id>urn:bench:${i}</id><link href="/2026/11/${i}"/>
<updated>2026-11-29T10:${String(i % 60).padStart(2, '0')}:00+01:00</updated><author><name>Desk</name></author>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${article(text)}</div></content></entry>`).join('\n');
  return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://bench.example/" xml:lang="mk"><title>Bench</title>${entries}</feed>`;
}

/** Single-byte bytes of `text` in `charset` (the table inverted; every character must exist there). */
function legacy(text: string, charset: string): Uint8Array {
  const decoder = new TextDecoder(charset);
  const table = new Map<string, number>();
  for (let b = 0; b < 256; b++) table.set(decoder.decode(Uint8Array.of(b)), b);
  return Uint8Array.from([...text].map((ch) => table.get(ch) ?? 0x3f));
}

function pipeline(name: string, bytes: Uint8Array, contentType?: string): Benchmark {
  return {
    name,
    unit: 'items',
    async setup() {
      return {
        batch: ITEMS,
        run: async () => {
          const doc = await readFeedDocument(bytes, contentType, { url: ctx.feedUrl });
          if (normalizeFeed(doc.parsed, ctx).length !== ITEMS) throw new Error(`${name}: expected ${ITEMS} items`);
        },
      };
    },
  };
}

const utf8 = new TextEncoder().encode(rss(PARAGRAPH_SR, 'utf-8'));

export const benchmarks: Benchmark[] = [
  pipeline('d+p+n RSS 2.0, UTF-8, content:encoded', utf8, 'application/rss+xml; charset=utf-8'),
  pipeline('d+p+n RSS 2.0, windows-1250 (declared)', legacy(rss(PARAGRAPH_SR, 'windows-1250'), 'windows-1250')),
  pipeline('d+p+n RSS 2.0, windows-1251 (undeclared)', legacy(rss(PARAGRAPH_MK, 'x').replace(' encoding="x"', ''), 'windows-1251')),
  pipeline('d+p+n Atom 1.0, XHTML content, xml:base', new TextEncoder().encode(atomXhtml(PARAGRAPH_MK))),
  {
    name: 'decode only, UTF-8 feed (~100 KB)',
    unit: 'feeds',
    async setup() {
      return { batch: 1, run: () => void decodeFeedBytes(utf8, 'application/rss+xml') };
    },
  },
  {
    name: 'htmlToText, one article',
    unit: 'articles',
    async setup() {
      const html = article(PARAGRAPH_SR).repeat(4);
      return { batch: 1, run: () => void htmlToText(html) };
    },
  },
];
