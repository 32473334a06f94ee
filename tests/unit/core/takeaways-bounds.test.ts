import { describe, expect, it } from 'vitest';
import { takeawaysConfig } from '../../../functions/core/takeaways/config';
import { boundedPrefix, extractTakeaways, newTakeawaysWork } from '../../../functions/core/takeaways/index';
import { enrichArticle, RELEVANCE_MAX_CHARS } from '../../../functions/core/pipeline';
import { sampleArticle } from '../../helpers/articles';

// One feed item can be a whole transcript or book. Extraction must cost the same beyond a
// bound, whatever the length: these tests count the work done (characters read, sentences split
// and ranked, word pairs counted), never the wall time.

const NAMES = ['Ana Petrović', 'Marko Ilić', 'Arben Krasniqi', 'Elena Stojanova', 'Dragan Kovač', 'Lirije Berisha'];
const PLACES = ['Pristina', 'Belgrade', 'Skopje', 'Podgorica', 'Tirana', 'Sarajevo', 'Mitrovica', 'Ohrid'];
const VERBS = ['discussed', 'reviewed', 'opposed', 'supported', 'questioned', 'postponed', 'approved', 'praised'];
const THINGS = ['the new water network', 'the budget for schools', 'a bridge over the river', 'the border crossing', 'roads in the north', 'a railway to the coast', 'the energy deal', 'wages of nurses', 'the election law', 'a museum of the city'];

/** A long text of my own making: `sentences` sentences in paragraphs of five, with quotations. */
function longText(sentences: number, seed = 1): string {
  let s = seed;
  const next = (n: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  const paragraphs: string[] = [];
  let line: string[] = [];
  for (let i = 0; i < sentences; i++) {
    const name = NAMES[next(NAMES.length)] ?? '';
    const sentence =
      i % 7 === 3
        ? `"We will finish ${THINGS[next(THINGS.length)]} in ${PLACES[next(PLACES.length)]} before winter," ${name} said on day ${i}.`
        : `${name} ${VERBS[next(VERBS.length)]} ${THINGS[next(THINGS.length)]} in ${PLACES[next(PLACES.length)]} with officials from ${PLACES[next(PLACES.length)]} on day ${i}, the minutes show.`;
    line.push(sentence);
    if (line.length === 5) {
      paragraphs.push(line.join(' '));
      line = [];
    }
  }
  paragraphs.push(line.join(' '));
  return paragraphs.join('\n\n');
}

describe('takeaways on very long texts', () => {
  const huge = longText(10_000);

  it('a 1 MB, 10,000-sentence article reads at most limits.maxChars and ranks at most limits.maxRankedSentences', () => {
    expect(huge.length).toBeGreaterThan(1_000_000);
    const work = newTakeawaysWork();
    const result = extractTakeaways({ title: 'Officials review works across the region', text: huge, terms: ['Pristina'] }, takeawaysConfig, work);
    const { maxChars, maxRankedSentences } = takeawaysConfig.limits;
    expect(work.chars).toBeLessThanOrEqual(maxChars);
    expect(work.chars).toBeGreaterThan(maxChars * 0.9);
    expect(work.sentences).toBeLessThan(maxChars / 40);
    expect(work.ranked).toBe(maxRankedSentences);
    // Every sentence shares words with every other here (the worst case): pairs stay within ranked² × words.
    expect(work.pairs).toBeLessThanOrEqual(maxRankedSentences ** 2 * 20);
    expect(result.method).toBe('extractive');
    expect(result.items).toHaveLength(5);
    for (const t of result.items) {
      expect(huge.slice(t.start ?? -1, t.end ?? -1)).toBe(t.text);
      expect(t.end ?? Infinity).toBeLessThanOrEqual(work.chars);
    }
    for (const q of result.quotes ?? []) expect(huge.slice(q.start, q.end)).toBe(q.text);
  });

  it('does the same work on a text four times as long: the cost stops growing at the bound', () => {
    const bigger = longText(40_000);
    const [a, b] = [newTakeawaysWork(), newTakeawaysWork()];
    const first = extractTakeaways({ text: huge }, takeawaysConfig, a);
    const second = extractTakeaways({ text: bigger }, takeawaysConfig, b);
    expect(b).toEqual(a);
    expect(second).toEqual(first);
  });

  it('a 1 MB item of one-line quotations (no paragraphs to cut at) is bounded too', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `"Line ${i} of the statement is read aloud," ${NAMES[i % NAMES.length]} said.`).join('\n');
    expect(lines.length).toBeGreaterThan(1_000_000);
    const work = newTakeawaysWork();
    const result = extractTakeaways({ text: lines }, takeawaysConfig, work);
    expect(work.chars).toBeLessThanOrEqual(takeawaysConfig.limits.maxChars);
    expect(work.ranked).toBeLessThanOrEqual(takeawaysConfig.limits.maxRankedSentences);
    expect(result.quotes?.length).toBeGreaterThan(0);
  });

  it('a short article is read whole', () => {
    const text = longText(30);
    const work = newTakeawaysWork();
    extractTakeaways({ text }, takeawaysConfig, work);
    expect(work).toMatchObject({ chars: text.length, sentences: 30, ranked: 30 });
  });
});

describe('boundedPrefix', () => {
  it('returns a short text as it is', () => {
    expect(boundedPrefix('One line.\nTwo lines.', 100)).toBe('One line.\nTwo lines.');
  });

  it('cuts at the last line break in the second half of the window', () => {
    expect(boundedPrefix('First paragraph here.\nSecond paragraph that goes on.', 40)).toBe('First paragraph here.');
  });

  it('cuts at the last space when no line break is near, never inside a word', () => {
    expect(boundedPrefix('alpha beta gamma delta epsilon', 13)).toBe('alpha beta');
    expect(boundedPrefix('x\nalpha beta gamma delta epsilon', 14)).toBe('x\nalpha beta');
  });
});

describe('enrichArticle on very long or irrelevant items', () => {
  const base = sampleArticle();
  const { relevance: _r, takeaways: _t, ...draft } = base;

  it('relevance reads at most RELEVANCE_MAX_CHARS of each field: a place named only beyond it does not count', () => {
    const filler = longText(10_000).replace(/Pristina|Belgrade|Skopje|Podgorica|Tirana|Sarajevo|Mitrovica|Ohrid/g, 'Lisbon');
    const late = `${filler}\n\nKosovo, Pristina, Serbia, Belgrade and Mitrovica were all named by the Kosovo government.`;
    const early = `Kosovo, Pristina, Serbia, Belgrade and Mitrovica were all named by the Kosovo government.\n\n${filler}`;
    const title = 'Officials review works';
    expect(late.length).toBeGreaterThan(RELEVANCE_MAX_CHARS);
    expect(enrichArticle({ ...draft, title, summary: '', content: early }).relevance.relevant).toBe(true);
    expect(enrichArticle({ ...draft, title, summary: '', content: late }).relevance.relevant).toBe(false);
  });

  it('with takeawaysFor "relevant", an item that is not relevant gets no takeaways; by default it does', () => {
    const text = 'The city council of Lisbon approved a new tram line on Monday after a long debate.\n\nWork will begin in the spring and end in two years, the mayor told reporters.\n\nResidents of the old town have asked for quieter trams at night.';
    const irrelevant = { ...draft, title: 'Lisbon gets a new tram line', summary: '', content: text };
    const skipped = enrichArticle(irrelevant, undefined, { takeawaysFor: 'relevant' });
    expect(skipped.relevance.relevant).toBe(false);
    expect(skipped.takeaways).toEqual({ method: 'extractive', items: [], quotes: [] });
    expect(enrichArticle(irrelevant).takeaways.items.length).toBeGreaterThan(0);
  });
});
