import { describe, expect, it } from 'vitest';
import { FeedParseError, NotAFeedError } from '../../../functions/core/errors';
import { parseFeedText, rootElement } from '../../../functions/core/parse';
import { normalizeFeed } from '../../../functions/core/pipeline';
import { escapeInlineMarkup, repairXmlText } from '../../../functions/core/xml-repair';

const ctx = { feed: { id: 'test', url: 'https://news.example/feed.xml' }, feedUrl: 'https://news.example/feed.xml', fetchedAt: '2026-11-29T00:00:00.000Z' };

describe('parseFeedText: formats', () => {
  it.each([
    ['0.91', 'rss0.9'],
    ['0.92', 'rss0.9'],
    ['2.0', 'rss2'],
    ['', 'rss2'],
  ])('RSS version "%s" is %s and parses its items', async (version, format) => {
    const parsed = await parseFeedText(`<rss${version ? ` version="${version}"` : ''}><channel><title>C</title><link>https://c.example/</link>
      <item><title>Vučić in Brussels</title><link>https://c.example/1</link><description>Talks &amp; more</description></item></channel></rss>`);
    expect(parsed.format).toBe(format);
    expect(parsed.items).toHaveLength(1);
    expect(parsed.items[0]).toMatchObject({ title: 'Vučić in Brussels', link: 'https://c.example/1', summaryHtml: 'Talks & more' });
  });

  it('RSS 1.0 (RDF), also with the RSS namespace on a prefix instead of the default', async () => {
    const prefixed = `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <rss:channel rdf:about="https://r.example/"><rss:title>R</rss:title><rss:link>https://r.example/</rss:link><dc:language>sr-Latn</dc:language></rss:channel>
      <rss:item rdf:about="https://r.example/1"><rss:title>Jedan</rss:title><rss:link>https://r.example/1</rss:link><dc:date>2026-11-20T08:00:00+01:00</dc:date></rss:item>
    </rdf:RDF>`;
    const parsed = await parseFeedText(prefixed);
    expect(parsed).toMatchObject({ format: 'rss1', title: 'R', language: 'sr-Latn' });
    expect(parsed.items[0]).toMatchObject({ title: 'Jedan', link: 'https://r.example/1', published: '2026-11-20T08:00:00+01:00' });
  });

  it('Atom 0.3 with issued/modified dates and base64 content', async () => {
    const parsed = await parseFeedText(`<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old</title>
      <entry><title mode="base64">${btoa('Skopje <b>news</b>')}</title><link rel="alternate" type="text/html" href="https://o.example/1"/>
      <issued>2004-01-01T19:48:21Z</issued><modified>2004-01-02T10:00:00Z</modified><content type="text/html" mode="escaped">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>`);
    expect(parsed.format).toBe('atom');
    expect(parsed.items[0]).toMatchObject({ title: 'Skopje <b>news</b>', link: 'https://o.example/1', published: '2004-01-01T19:48:21Z', contentHtml: '<p>Body</p>' });
  });

  it('decodes base64 only when it yields UTF-8 text, and strips control characters from the stored text', async () => {
    const parsed = await parseFeedText(`<feed xmlns="http://www.w3.org/2005/Atom">
      <entry><title type="application/octet-stream">${btoa('Ohrid &amp; Struga')}</title></entry>
      <entry><title type="application/custom">test</title></entry>
      <entry><title>ab\u0008cd</title></entry></feed>`);
    expect(parsed.items.map((i) => i.title)).toEqual(['Ohrid &amp; Struga', 'test', 'ab\u0008cd']);
    expect(normalizeFeed(parsed, ctx).map((a) => a.title)).toEqual(['Ohrid & Struga', 'test', 'abcd']);
  });

  it('an Atom entry document, and a feed whose Atom namespace sits on a prefix', async () => {
    const entry = await parseFeedText('<entry xmlns="http://www.w3.org/2005/Atom"><title>Alone</title><id>urn:x:1</id><link href="https://e.example/1"/></entry>');
    expect(entry.items).toMatchObject([{ title: 'Alone', guid: 'urn:x:1', link: 'https://e.example/1' }]);
    const prefixed = await parseFeedText('<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>P</a:title><a:entry><a:title>One</a:title><a:link href="https://p.example/1"/></a:entry></a:feed>');
    expect(prefixed).toMatchObject({ format: 'atom', title: 'P', items: [{ title: 'One', link: 'https://p.example/1' }] });
  });

  it('whitespace and a BOM before <?xml are tolerated', async () => {
    const parsed = await parseFeedText('\uFEFF \n\t<?xml version="1.0"?><rss version="2.0"><channel><item><title>T</title></item></channel></rss>');
    expect(parsed.items[0]?.title).toBe('T');
  });
});

describe('parseFeedText: shapes rss-parser trips over', () => {
  it('an unreadable Atom date does not lose the feed ("Invalid time value" in plain rss-parser); the raw text is kept', async () => {
    const parsed = await parseFeedText(`<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
      <entry><title>Bad date</title><link href="https://f.example/1"/><published>insert date here</published></entry>
      <entry><title>Good date</title><link href="https://f.example/2"/><updated>2026-11-20T08:00:00Z</updated></entry></feed>`);
    expect(parsed.items.map((i) => [i.title, i.published])).toEqual([['Bad date', 'insert date here'], ['Good date', '2026-11-20T08:00:00Z']]);
    const [bad] = normalizeFeed(parsed, ctx);
    expect(bad).toMatchObject({ publishedAt: ctx.fetchedAt, publishedAtSource: 'fetched-at', publishedAtRaw: 'insert date here' });
  });

  it('takes the first readable date when the preferred one is unreadable', async () => {
    const parsed = await parseFeedText(`<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
      <item><title>x</title><pubDate>sometime</pubDate><dc:date>2026-11-20T08:00:00Z</dc:date></item></channel></rss>`);
    expect(parsed.items[0]?.published).toBe('2026-11-20T08:00:00Z');
  });

  it('<rss> without <channel>, items straight under <rss>, empty items and attribute-less Atom links', async () => {
    const noChannel = await parseFeedText('<rss><item><title>Loose</title></item><item/></rss>');
    expect(noChannel.items.map((i) => i.title)).toEqual(['Loose', undefined]);
    const emptyRdf = await parseFeedText('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"></rdf:RDF>');
    expect(emptyRdf).toMatchObject({ format: 'rss1', items: [] });
    const links = await parseFeedText('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>L</title><link>https://l.example/1</link><link/></entry><entry>\n</entry></feed>');
    expect(links.items.map((i) => i.link)).toEqual(['https://l.example/1', undefined]);
  });

  it('resolves xml:base through feed, entry and link, and keeps an item\'s base from leaking to its sibling', async () => {
    const atom = await parseFeedText(`<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/blog/">
      <entry xml:base="2026/"><title>A</title><link href="post-1"/></entry>
      <entry><title>B</title><link xml:base="/other/" href="post-2"/></entry></feed>`, { url: 'https://a.example/feed.atom' });
    expect(atom.items.map((i) => i.link)).toEqual(['https://a.example/blog/2026/post-1', 'https://a.example/other/post-2']);
    const rss = await parseFeedText(`<rss version="2.0"><channel><link>https://r.example/</link>
      <item xml:base="https://r.example/first/"><title>1</title><link>post</link></item>
      <item><title>2</title><link>post</link></item></channel></rss>`);
    expect(normalizeFeed(rss, ctx).map((a) => a.url)).toEqual(['https://r.example/first/post', 'https://r.example/post']);
  });

  it('picks up xml:lang on the Atom feed and on an entry', async () => {
    const parsed = await parseFeedText(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="sq"><entry><title>Lajm</title></entry>
      <entry xml:lang="sr_latn_RS"><title>Vest</title></entry></feed>`);
    expect(parsed.language).toBe('sq');
    expect(normalizeFeed(parsed, ctx).map((a) => a.language)).toEqual(['sq', 'sr-Latn-RS']);
  });
});

describe('parseFeedText: content', () => {
  it('prefers content:encoded over description, and reads authors, categories and the image', async () => {
    const parsed = await parseFeedText(`<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
      <channel><item><title>T</title><author>desk@news.example (Arta Krasniqi)</author><dc:creator>Marko Marković</dc:creator>
      <category>Politika</category><category domain="x">Kosovo</category>
      <description>Teaser</description><content:encoded><![CDATA[<p>Full <b>text</b></p>]]></content:encoded>
      <enclosure url="https://n.example/a.mp3" type="audio/mpeg" length="1"/><media:content url="https://n.example/photo.jpg" medium="image"/></item></channel></rss>`);
    expect(parsed.items[0]).toMatchObject({
      contentHtml: '<p>Full <b>text</b></p>',
      summaryHtml: 'Teaser',
      authors: ['Marko Marković', 'Arta Krasniqi'],
      categories: ['Politika', 'Kosovo'],
      image: 'https://n.example/photo.jpg',
    });
  });

  it('reads markup pasted into <description> without CDATA in document order, unclosed <br> and all', async () => {
    const parsed = await parseFeedText('<rss version="2.0"><channel><item><title>T</title><description><p>Prvi <b>deo</b> teksta<br> i drugi&nbsp;deo.</p></description></item></channel></rss>');
    expect(parsed.items[0]?.summaryHtml).toBe('<p>Prvi <b>deo</b> teksta<br> i drugi&nbsp;deo.</p>');
    expect(normalizeFeed(parsed, ctx)[0]?.content).toBe('Prvi deo teksta\ni drugi deo.');
  });

  it('reads XHTML content as HTML in order', async () => {
    const parsed = await parseFeedText(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Podgorica <em>today</em></div></title>
      <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>One <a href="/x">link</a> here.</p><p>Two &amp; three.</p></div></content></entry></feed>`);
    const [article] = normalizeFeed(parsed, ctx);
    expect(article).toMatchObject({ title: 'Podgorica today', content: 'One link here.\n\nTwo & three.' });
  });

  it('prefers FeedBurner\'s original link over the proxy link', async () => {
    const parsed = await parseFeedText(`<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel><item><title>T</title>
      <link>https://feedproxy.example/~r/x/1</link><feedburner:origLink>https://origin.example/story</feedburner:origLink></item></channel></rss>`);
    expect(parsed.items[0]?.link).toBe('https://origin.example/story');
  });
});

describe('parseFeedText: broken XML', () => {
  it('recovers HTML entities, a bare "&" and an entity declared in the DOCTYPE, and says so', async () => {
    const parsed = await parseFeedText(`<!DOCTYPE rss [ <!ENTITY site "Balkan Wire"> ]><rss version="2.0"><channel><title>&site; &ndash; news</title>
      <item><title>Tirana&nbsp;&amp; Durrës: AT&T</title><link>https://b.example/?a=1&b=2</link></item></channel></rss>`);
    expect(parsed.recovered).toContain('entities');
    expect(parsed.title).toBe('Balkan Wire – news');
    expect(parsed.items[0]).toMatchObject({ title: 'Tirana\u00a0& Durrës: AT&T', link: 'https://b.example/?a=1&b=2' });
  });

  it('keeps the complete items of a truncated feed', async () => {
    const parsed = await parseFeedText('<rss version="2.0"><channel><title>T</title><item><title>Whole</title></item><item><title>Cut in ha');
    expect(parsed.recovered).toContain('truncated');
    expect(parsed.items.map((i) => i.title)).toEqual(['Whole']);
  });

  it('puts mismatched close tags right', async () => {
    const parsed = await parseFeedText('<rss version="2.0"><channel><language>en</langauge><item><title>Still here</title></item></channel></rss>');
    expect(parsed.recovered).toContain('mismatched-tags');
    expect(parsed.items[0]?.title).toBe('Still here');
  });

  it('an HTML page is a NotAFeedError naming the root element; JSON and empty input too', async () => {
    await expect(parseFeedText('<!DOCTYPE html><html><body>hi</body></html>', { feedId: 'f' })).rejects.toThrowError(NotAFeedError);
    await expect(parseFeedText('<!DOCTYPE html><html><body>hi</body></html>', { feedId: 'f' })).rejects.toThrowError('feed "f": not a feed: root element <html>');
    await expect(parseFeedText('{"version":"https://jsonfeed.org/version/1.1"}')).rejects.toThrowError('not a feed: a JSON document');
    await expect(parseFeedText('   ')).rejects.toThrowError('not a feed: no XML element found');
  });

  it('XML that cannot be put right is a FeedParseError naming the feed, the parser message and its position', async () => {
    const attempt = parseFeedText('<rss version="2.0"><channel><item><title a=1>x</title></item></channel></rss>', { feedId: 'broken' });
    await expect(attempt).rejects.toThrowError(FeedParseError);
    await expect(attempt).rejects.toThrowError(/^feed "broken": malformed XML: Unquoted attribute value \(line 1, column \d+\)$/);
  });
});

describe('xml-repair', () => {
  it('escapeInlineMarkup leaves CDATA, text-only elements and other elements alone', () => {
    const xml = '<item><title>Plain</title><description><![CDATA[<p>kept</p>]]></description><media:content url="x"><media:title>m</media:title></media:content></item>';
    expect(escapeInlineMarkup(xml)).toBe(xml);
  });

  it('repairXmlText does not expand an entity into another entity (no billion laughs)', () => {
    const xml = '<!DOCTYPE r [ <!ENTITY a "&b;&b;"> <!ENTITY b "xx"> ]><r>&a;</r>';
    expect(repairXmlText(xml, 'x').xml).toContain('<r>&amp;b;&amp;b;</r>');
  });

  it('rootElement skips declarations, comments and the DOCTYPE', () => {
    expect(rootElement('<?xml version="1.0"?><!-- c --><!DOCTYPE rss><rss>')).toBe('rss');
  });
});
