import { describe, expect, it } from 'vitest';
import { parseFeedText } from '../../../functions/core/parse';
import { normalizeFeed } from '../../../functions/core/pipeline';

// Distinct items must keep distinct ids: the canonical URL may forget tracking parameters and
// in-page anchors, but never what tells two articles apart.
const ctx = { feed: { id: 'frag', url: 'https://x.rs/feed.xml' }, feedUrl: 'https://x.rs/feed.xml', fetchedAt: '2026-11-29T00:00:00.000Z' };

function rss(items: string): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://x.rs/</link>${items}</channel></rss>`;
}
const item = (title: string, link: string, guid?: string): string =>
  `<item><title>${title}</title><link>${link}</link>${guid ? `<guid isPermaLink="false">${guid}</guid>` : ''}<description>${title} text</description></item>`;

describe('normalizeFeed: URLs and ids of distinct items', () => {
  it('GIVEN a single-page site whose items are hashbang routes THEN each keeps its own URL and id', async () => {
    const parsed = await parseFeedText(rss(item('One', 'https://x.rs/#!/news/1') + item('Two', 'https://x.rs/#!/news/2') + item('Three', '/#!/news/3?utm_source=rss')));
    const drafts = normalizeFeed(parsed, ctx);
    expect(drafts.map((d) => d.url)).toEqual(['https://x.rs/#!/news/1', 'https://x.rs/#!/news/2', 'https://x.rs/#!/news/3?utm_source=rss']);
    expect(new Set(drafts.map((d) => d.id)).size).toBe(3);
  });

  it('GIVEN query-string article links THEN they stay as written and stay apart', async () => {
    const parsed = await parseFeedText(rss(item('A', 'https://x.rs/index.php?article/123&amp;utm_medium=feed') + item('B', 'https://x.rs/index.php?article/124')));
    expect(normalizeFeed(parsed, ctx).map((d) => d.url)).toEqual(['https://x.rs/index.php?article/123', 'https://x.rs/index.php?article/124']);
  });

  it('GIVEN live-blog entries that differ only in an anchor THEN each is kept, with its anchor', async () => {
    const parsed = await parseFeedText(rss(item('Entry 1', 'https://x.rs/live#post-1', 'p1') + item('Entry 2', 'https://x.rs/live#post-2', 'p2') + item('Page', 'https://x.rs/live', 'p0')));
    const drafts = normalizeFeed(parsed, ctx);
    expect(drafts.map((d) => d.url)).toEqual(['https://x.rs/live#post-1', 'https://x.rs/live#post-2', 'https://x.rs/live']);
    expect(new Set(drafts.map((d) => d.id)).size).toBe(3);
  });

  it('GIVEN live-blog entries without guids THEN their titles tell them apart', async () => {
    const parsed = await parseFeedText(rss(item('Entry 1', 'https://x.rs/live#p1') + item('Entry 2', 'https://x.rs/live#p2')));
    expect(normalizeFeed(parsed, ctx).map((d) => d.url)).toEqual(['https://x.rs/live#p1', 'https://x.rs/live#p2']);
  });

  it('GIVEN one article listed twice with different anchors THEN it is still one item, without the anchor', async () => {
    const sameGuid = await parseFeedText(rss(item('Story', 'https://x.rs/a#top', 'g') + item('Story (updated)', 'https://x.rs/a#comments', 'g')));
    expect(normalizeFeed(sameGuid, ctx).map((d) => d.url)).toEqual(['https://x.rs/a']);
    const sameTitle = await parseFeedText(rss(item('Story', 'https://x.rs/a#top') + item('Story', 'https://x.rs/a')));
    expect(normalizeFeed(sameTitle, ctx).map((d) => d.url)).toEqual(['https://x.rs/a']);
  });

  it('GIVEN an anchor that tells nothing apart THEN it is dropped', async () => {
    const parsed = await parseFeedText(rss(item('A', 'https://x.rs/a#more-12') + item('B', 'https://x.rs/b#xtor=RSS-3')));
    expect(normalizeFeed(parsed, ctx).map((d) => d.url)).toEqual(['https://x.rs/a', 'https://x.rs/b']);
  });
});
