import { describe, expect, it } from 'vitest';
import { FeedParseError, NotAFeedError } from '../../../functions/core/errors';
import { parseFeedText } from '../../../functions/core/parse';
import { normalizeFeed } from '../../../functions/core/pipeline';

const RSS = `<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Test</title><link>https://news.example/</link><language>sq</language>
<item><title>Rama &amp; Begaj</title><link>/2026/11/a?utm_source=x</link><guid>g-1</guid>
<pubDate>Tue, 24 Nov 2026 10:00:00 +0100</pubDate><dc:creator>Arta</dc:creator><category>Politikë</category>
<description>Short teaser</description>
<content:encoded><![CDATA[<p>Full <b>text</b> here.</p>]]></content:encoded>
<enclosure url="https://img.example/a.jpg" type="image/jpeg" length="10"/></item>
<item><title>No link</title><guid isPermaLink="false">abc</guid><description>Only a description</description><pubDate>garbage date</pubDate></item>
<item><title>No link</title><guid isPermaLink="false">abc</guid><description>Repeated item</description></item>
</channel></rss>`;

const ATOM = `  <?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><link href="https://atom.example/"/>
<entry><title type="html">Skopje &lt;b&gt;news&lt;/b&gt;</title><id>urn:x:1</id><link rel="alternate" href="https://atom.example/1#frag"/>
<updated>2026-11-20T08:00:00Z</updated><author><name>Ana</name></author><category term="Politics"/>
<summary>Sum</summary><content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>`;

const RDF = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example/"><title>R</title><link>https://rdf.example/</link><description>d</description></channel>
<item rdf:about="https://rdf.example/1"><title>One</title><link>https://rdf.example/1</link><description>Desc</description><dc:date>2026-11-20T08:00:00+01:00</dc:date></item>
</rdf:RDF>`;

const ctx = { feed: { id: 'test', url: 'https://news.example/feed.xml' }, feedUrl: 'https://news.example/feed.xml', fetchedAt: '2026-11-29T00:00:00.000Z' };

describe('parseFeedText + normalizeFeed', () => {
  it('RSS 2.0: prefers content:encoded, resolves links, strips tracking, reads dates, authors, categories, image', async () => {
    const parsed = await parseFeedText(RSS);
    expect(parsed.format).toBe('rss2');
    const [first, second] = normalizeFeed(parsed, ctx);
    expect(first).toMatchObject({
      url: 'https://news.example/2026/11/a',
      title: 'Rama & Begaj',
      summary: 'Short teaser',
      content: 'Full text here.',
      language: 'sq',
      authors: ['Arta'],
      categories: ['Politikë'],
      image: 'https://img.example/a.jpg',
      publishedAt: '2026-11-24T09:00:00.000Z',
      publishedAtSource: 'feed',
    });
    expect(first?.id).toMatch(/^u[0-9a-f]{31}$/);
    // No link: the id falls back to the guid; an unreadable date falls back to the fetch time and says so.
    expect(second).toMatchObject({ url: null, publishedAt: ctx.fetchedAt, publishedAtSource: 'fetched-at', publishedAtRaw: 'garbage date' });
    expect(second?.id).toMatch(/^g/);
  });

  it('keeps one article per id when a feed repeats an item', async () => {
    expect(normalizeFeed(await parseFeedText(RSS), ctx)).toHaveLength(2);
  });

  it('Atom: tolerates whitespace before <?xml, drops the fragment, reads the author', async () => {
    const parsed = await parseFeedText(ATOM);
    expect(parsed.format).toBe('atom');
    const [entry] = normalizeFeed(parsed, ctx);
    expect(entry).toMatchObject({ url: 'https://atom.example/1', title: 'Skopje news', summary: 'Sum', content: 'Body', authors: ['Ana'], categories: ['Politics'] });
  });

  it('RSS 1.0 (RDF): parses items and dc:date', async () => {
    const parsed = await parseFeedText(RDF);
    expect(parsed.format).toBe('rss1');
    expect(normalizeFeed(parsed, ctx)[0]).toMatchObject({ title: 'One', content: 'Desc', publishedAt: '2026-11-20T07:00:00.000Z' });
  });

  it('an HTML page is a NotAFeedError naming the root element', async () => {
    await expect(parseFeedText('<!DOCTYPE html><html><body>hi</body></html>', { feedId: 'f' })).rejects.toThrowError(NotAFeedError);
    await expect(parseFeedText('<!DOCTYPE html><html><body>hi</body></html>', { feedId: 'f' })).rejects.toThrowError('feed "f": not a feed: root element <html>');
  });

  it('unclosed elements are closed and reported as a recovery; XML beyond repair is a FeedParseError', async () => {
    const recovered = await parseFeedText('<rss version="2.0"><channel><item><title>x</channel></rss>');
    expect(recovered).toMatchObject({ recovered: ['mismatched-tags'], items: [{ title: 'x' }] });
    await expect(parseFeedText('<rss version="2.0"><channel><item><title a=1>x</title></item></channel></rss>')).rejects.toThrowError(FeedParseError);
  });
});
