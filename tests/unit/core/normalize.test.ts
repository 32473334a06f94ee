import { describe, expect, it } from 'vitest';
import { removeBoilerplate, validateBoilerplate } from '../../../functions/core/boilerplate';
import { repairMojibake } from '../../../functions/core/decode';
import { ConfigError } from '../../../functions/core/errors';
import { htmlToText } from '../../../functions/core/html-text';
import { normalizeLanguage } from '../../../functions/core/normalize';
import { parseFeedText } from '../../../functions/core/parse';
import { normalizeFeed } from '../../../functions/core/pipeline';

const ctx = { feed: { id: 'n', url: 'https://n.example/feed' }, feedUrl: 'https://n.example/feed', fetchedAt: '2026-11-29T00:00:00.000Z' };

describe('normalizeLanguage', () => {
  it.each([
    ['en_us', 'en-US'],
    ['SR-latn-rs', 'sr-Latn-RS'],
    [' sq ', 'sq'],
    ['mk-MK', 'mk-MK'],
    ['es-419', 'es-419'],
    ['english', null],
    ['', null],
  ])('%j is %j', (tag, expected) => {
    expect(normalizeLanguage(tag)).toBe(expected);
  });
});

describe('repairMojibake', () => {
  it('turns UTF-8 read as windows-1252 back into Serbian, Macedonian and Albanian text', () => {
    expect(repairMojibake('NiÅ¡, Ä\u2021evapi, Ä\u008cačak, Ä\u2018ak, Å½abljak')).toBe('Niš, ćevapi, Čačak, đak, Žabljak');
    expect(repairMojibake('Ð\u00a1ÐºÐ¾Ð¿Ñ\u02dcÐµ')).toBe('Скопје');
    expect(repairMojibake('ShqipÃ«ri â\u20ac\u201c Ã§Ã«shtje')).toBe('Shqipëri – çështje');
  });

  it('leaves real Latin-1 text alone', () => {
    for (const text of ['Ökonomie, Ärger, Ñandú, Ça va, Âme', 'São Paulo, Åland', 'Tiranë” and “Prishtinë”']) expect(repairMojibake(text)).toBe(text);
  });
});

describe('htmlToText', () => {
  it('reads attributes holding ">", prefixed XHTML tags, and drops invisible characters', () => {
    expect(htmlToText('<p title="a > b">One</p><xhtml:p>Two\u00adthree\u200b</xhtml:p>')).toBe('One\n\nTwothree');
  });
});

describe('normalize: the stored text', () => {
  it('repairs double-encoded text and C1 controls in titles and content', async () => {
    const parsed = await parseFeedText('<rss version="2.0"><channel><item><title>Vu&#196;&#141;iÄ\u2021 don&#146;t</title><description>&#226;&#128;&#166;</description></item></channel></rss>');
    expect(normalizeFeed(parsed, ctx)[0]).toMatchObject({ title: 'Vučić don’t', content: '…' });
  });

  it('removes share lines, regional "read also" lines and related-links headings, but not sentences that merely start alike', () => {
    const text = ['Prvi pasus.', 'Podeli na Facebook', 'Pročitajte još: Nova vest', 'Lexo edhe: Lajmi tjetër', 'Related: Another story', 'Related to the talks, the minister spoke.', 'Share'].join('\n');
    expect(removeBoilerplate(text)).toBe('Prvi pasus.\nRelated to the talks, the minister spoke.');
  });

  it('rejects a boilerplate file whose pattern does not compile, naming it', () => {
    const rules = { maxLineChars: 160, lines: ['^(unclosed'], lineSuffixes: [], trailingHeadings: [] };
    expect(() => validateBoilerplate(rules)).toThrowError(ConfigError);
    expect(() => validateBoilerplate(rules)).toThrowError('data/boilerplate.json: "lines" pattern does not compile (got "^(unclosed")');
  });
});
