import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import raw from '../../../data/takeaways.json' with { type: 'json' };
import { ConfigError } from '../../../functions/core/errors';
import { enrichArticle, normalizeFeed, readFeedDocument } from '../../../functions/core/pipeline';
import { compileTakeawaysConfig } from '../../../functions/core/takeaways/config';
import { findExplicitList, maskList, withoutList } from '../../../functions/core/takeaways/explicit';
import { extractiveTakeaways, itemCount } from '../../../functions/core/takeaways/extractive';
import { extractTakeaways } from '../../../functions/core/takeaways/index';
import { extractQuotes } from '../../../functions/core/takeaways/quotes';
import { splitSentences } from '../../../functions/core/takeaways/sentences';

const SEED_BULLETS = [
  'NATO stresses the importance of dialogue between Kosovo and Serbia for lasting peace.',
  'Rutte calls for flexibility and compromise from both parties in normalization talks.',
  'NATO’s KFOR mission remains crucial for maintaining security in Kosovo.',
  'The alliance’s commitment to the region is vital for broader Euro-Atlantic security.',
];

async function seedArticle() {
  const bytes = readFileSync(new URL('../../../feeds/demo/balkan-wire.xml', import.meta.url));
  const doc = await readFeedDocument(bytes, 'application/rss+xml');
  const drafts = normalizeFeed(doc.parsed, { feed: { id: 'demo-balkan-wire', url: 'http://127.0.0.1/balkan-wire.xml' }, feedUrl: 'http://127.0.0.1/balkan-wire.xml', fetchedAt: '2026-11-29T00:00:00.000Z' });
  const draft = drafts.find((d) => d.title.includes('Rutte'));
  if (!draft) throw new Error('seed item missing from the demo feed');
  return enrichArticle(draft);
}

describe('takeaways on the seed article (the project copy in feeds/demo/balkan-wire.xml)', () => {
  it('yields exactly its 4 explicit bullets, with offsets into the content', async () => {
    const article = await seedArticle();
    expect(article.takeaways.method).toBe('explicit');
    expect(article.takeaways.items.map((t) => t.text)).toEqual(SEED_BULLETS);
    for (const t of article.takeaways.items) expect(article.content.slice(t.start ?? 0, t.end ?? 0)).toBe(t.text);
  });

  it('is tagged XK, RS and BA, and the boilerplate is gone from its content', async () => {
    const article = await seedArticle();
    expect(article.relevance.relevant).toBe(true);
    expect([...article.relevance.countries].sort()).toEqual(['BA', 'RS', 'XK']);
    expect(article.content).not.toMatch(/See also/);
    expect(article.content).not.toMatch(/Sources\s*$/);
  });

  it('carries its two quotations, both attributed to Rutte, at their offsets', async () => {
    const article = await seedArticle();
    const quotes = article.takeaways.quotes ?? [];
    expect(quotes.map((q) => q.text)).toEqual([
      'A secure Western Balkans region means more security across the whole Euro-Atlantic area',
      'Normalization brings greater stability, more investment opportunities, and lasting security across the whole region.',
    ]);
    for (const q of quotes) {
      expect(q.speaker).toBe('Mark Rutte');
      expect(article.content.slice(q.start, q.end)).toBe(q.text);
    }
  });

  it('without its list, the extractive path returns 3-5 sentences of the article, no boilerplate, and the same quotes', async () => {
    const article = await seedArticle();
    const list = findExplicitList(article.content);
    expect(list).not.toBeNull();
    const rest = withoutList(article.content, list!);
    const terms = article.relevance.matched.map((m) => m.text);
    const result = extractTakeaways({ title: article.title, text: rest, terms });
    expect(result.method).toBe('extractive');
    expect(result.items.length).toBeGreaterThanOrEqual(3);
    expect(result.items.length).toBeLessThanOrEqual(5);
    const sentences = splitSentences(rest).map((s) => s.text);
    for (const t of result.items) {
      expect(sentences).toContain(t.text);
      expect(rest.slice(t.start ?? 0, t.end ?? 0)).toBe(t.text);
      expect(t.text).not.toMatch(/^(See also|Sources)/);
      expect(SEED_BULLETS).not.toContain(t.text);
    }
    const starts = result.items.map((t) => t.start ?? 0);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(result.quotes?.map((q) => q.speaker)).toEqual(['Mark Rutte', 'Mark Rutte']);
  });

  it('is deterministic', async () => {
    const article = await seedArticle();
    const rest = withoutList(article.content, findExplicitList(article.content)!);
    expect(extractTakeaways({ title: article.title, text: rest })).toEqual(extractTakeaways({ title: article.title, text: rest }));
  });
});

describe('explicit lists', () => {
  it('reads bullet lines after a heading in the region\'s languages', () => {
    const text = 'Uvod.\n\nUkratko:\n- Prva stavka je ovde.\n- Druga stavka je ovde.\n\nOstatak teksta.';
    expect(findExplicitList(text)?.items.map((i) => i.text)).toEqual(['Prva stavka je ovde.', 'Druga stavka je ovde.']);
  });

  it.each([
    ['Key points', '•'],
    ['TL;DR:', '*'],
    ['At a glance', '·'],
    ['What you need to know', '–'],
    ['In brief', '-'],
    ['Highlights', '•'],
    ['Pikat kryesore', '-'],
    ['Клучни пораки', '•'],
    ['Најважније', '•'],
    ['Ključne poruke', '•'],
  ])('heading "%s" with "%s" bullets', (heading, bullet) => {
    const text = `Lead paragraph of the story.\n\n${heading}\n${bullet} The first point of the list.\n${bullet} The second point of the list.\n${bullet} The third point.\n\nBody text follows here.`;
    const list = findExplicitList(text);
    expect(list?.items.map((i) => i.text)).toEqual(['The first point of the list.', 'The second point of the list.', 'The third point.']);
    for (const item of list?.items ?? []) expect(text.slice(item.start ?? 0, item.end ?? 0)).toBe(item.text);
  });

  it('reads numbered lists and collapses white space in items', () => {
    const list = findExplicitList('Key takeaways\n1. First  thing here.\n2) Second thing here.');
    expect(list?.items.map((i) => i.text)).toEqual(['First thing here.', 'Second thing here.']);
  });

  it('ignores a heading without a list, a one-item list, and bullets without a heading', () => {
    expect(findExplicitList('In brief\nThe talks resumed on Monday.\n\nMore text.')).toBeNull();
    expect(findExplicitList('Key points\n• Only one point.\n\nMore text.')).toBeNull();
    expect(findExplicitList('Intro.\n• One.\n• Two.')).toBeNull();
  });

  it('masking the list keeps every offset while removing it from extraction', () => {
    const text = 'Kosovo and Serbia resumed talks in Brussels on Monday after a long pause.\n\nKey points\n• Bullet one is here.\n• Bullet two is here.\n\nThe European Union mediated the talks, officials said on Monday evening.';
    const list = findExplicitList(text)!;
    const masked = maskList(text, list);
    expect(masked.length).toBe(text.length);
    expect(masked).not.toMatch(/Bullet|Key points/);
    expect(masked.slice(text.indexOf('The European'))).toBe(text.slice(text.indexOf('The European')));
    const result = extractTakeaways({ text });
    expect(result.method).toBe('explicit');
  });
});

describe('splitSentences', () => {
  const split = (text: string): string[] => splitSentences(text).map((s) => s.text);

  it('does not break on abbreviations, initials, decimals or "No. 5"', () => {
    expect(split('Gen. Smith met Mr. J. Doe at 3.5 p.m. in St. Louis. It rained. "Why?" he asked.')).toEqual([
      'Gen. Smith met Mr. J. Doe at 3.5 p.m. in St. Louis.',
      'It rained.',
      '"Why?" he asked.',
    ]);
    expect(split('He lives at No. 5 Downing St. and works for Dr. Who. The end.')).toEqual([
      'He lives at No. 5 Downing St. and works for Dr. Who.',
      'The end.',
    ]);
  });

  it('breaks after a year, and after an acronym or abbreviation when a function word follows', () => {
    expect(split('The talks began in 2011. Both sides met in the U.S. The deal was signed by Acme Inc. The end.')).toEqual([
      'The talks began in 2011.',
      'Both sides met in the U.S.',
      'The deal was signed by Acme Inc.',
      'The end.',
    ]);
    expect(split('Officials in the U.S. Congress agreed.')).toEqual(['Officials in the U.S. Congress agreed.']);
  });

  it('keeps a quotation that closes on the same line in one sentence', () => {
    expect(split('Rutte said: "We will stay. We are ready." Then he left.')).toEqual(['Rutte said: "We will stay. We are ready."', 'Then he left.']);
    expect(split('Predsednik je rekao: „Nećemo odustati. Idemo dalje.“ Sastanak je završen.')).toEqual([
      'Predsednik je rekao: „Nećemo odustati. Idemo dalje.“',
      'Sastanak je završen.',
    ]);
  });

  it('splits Serbian, Albanian and Macedonian text with their abbreviations and ordinals', () => {
    expect(split('Sastanak je održan 15. novembra u Beogradu. Dr. Petrović je otišao.')).toEqual([
      'Sastanak je održan 15. novembra u Beogradu.',
      'Dr. Petrović je otišao.',
    ]);
    expect(split('Z. Berisha tha se do të vijë. Ai u largua.')).toEqual(['Z. Berisha tha se do të vijë.', 'Ai u largua.']);
    expect(split('Проф. Петровски рече дека ќе дојде. Тој замина.')).toEqual(['Проф. Петровски рече дека ќе дојде.', 'Тој замина.']);
  });

  it('ends a sentence after a month abbreviation or a.m./p.m. before a capitalised word, not before a day, a weekday or a time zone', () => {
    expect(split('The vote was set for 5 p.m. Officials said the count would take two days.')).toEqual([
      'The vote was set for 5 p.m.',
      'Officials said the count would take two days.',
    ]);
    expect(split('Inflation peaked in Oct. Prices have fallen every month since.')).toEqual(['Inflation peaked in Oct.', 'Prices have fallen every month since.']);
    expect(split('The deal was signed on Oct. 5 in Brussels. Talks resume at 9 a.m. Monday in Skopje. The hall opens at 8 a.m. CET for guests.')).toEqual([
      'The deal was signed on Oct. 5 in Brussels.',
      'Talks resume at 9 a.m. Monday in Skopje.',
      'The hall opens at 8 a.m. CET for guests.',
    ]);
  });

  it('does not end a German sentence at an ordinal date or century', () => {
    expect(split('Die Wahl findet am 3. Oktober statt. Im 19. Jahrhundert war das anders. Das Spiel endete 2:1. Danach gingen alle.')).toEqual([
      'Die Wahl findet am 3. Oktober statt.',
      'Im 19. Jahrhundert war das anders.',
      'Das Spiel endete 2:1.',
      'Danach gingen alle.',
    ]);
    expect(split('He turned 43. Officials confirmed it.')).toEqual(['He turned 43.', 'Officials confirmed it.']);
  });

  it('never joins lines: list lines and headings are their own sentences, with offsets', () => {
    const text = 'Heading line\n• A list item\nA paragraph. Another one.';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text)).toEqual(['Heading line', '• A list item', 'A paragraph.', 'Another one.']);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(sentences.map((s) => s.paragraph)).toEqual([0, 1, 2, 2]);
  });
});

// An article written for these tests: lead, context, a quote, boilerplate, a question, a dependent sentence.
const ARTICLE = [
  'The government of North Macedonia approved a new energy strategy on Tuesday that doubles solar capacity by 2030.',
  'Prime Minister Hristijan Mickoski said the plan would cut electricity imports, which rose sharply last winter.',
  'He added that the state utility would tender two solar parks near Štip and Kavadarci in the spring.',
  'What does this mean for households?',
  'Photo: a solar park near Skopje.',
  'The strategy was drafted with help from the European Bank for Reconstruction and Development, which will finance part of the grid upgrades.',
  'But critics said the timetable was unrealistic.',
  'Opposition lawmakers argued that the grid operator lacks the staff to connect new plants before 2028.',
  'Energy analysts in Skopje noted that coal still supplies about a third of the country’s electricity.',
  'See also: Serbia signs gas deal',
].join(' ');

describe('extractive takeaways', () => {
  it('returns 3-5 whole sentences in document order, at their offsets', () => {
    const items = extractiveTakeaways({ title: 'North Macedonia approves energy strategy', text: ARTICLE, terms: ['North Macedonia', 'Skopje'] });
    expect(items.length).toBeGreaterThanOrEqual(3);
    expect(items.length).toBeLessThanOrEqual(5);
    for (const t of items) expect(ARTICLE.slice(t.start ?? 0, t.end ?? 0)).toBe(t.text);
    expect(items.map((t) => t.start ?? 0)).toEqual([...items.map((t) => t.start ?? 0)].sort((a, b) => a - b));
    expect(items[0]?.text).toMatch(/^The government of North Macedonia approved/);
  });

  it('leaves out questions, captions, boilerplate and sentences that lean on their neighbour', () => {
    const texts = extractiveTakeaways({ title: 'North Macedonia approves energy strategy', text: ARTICLE }).map((t) => t.text);
    for (const bad of [/^What does/, /^Photo:/, /^See also/, /^He added/, /^But critics/]) {
      expect(texts.some((t) => bad.test(t))).toBe(false);
    }
  });

  it('leaves out fragments that end on a conjunction or an article (a lost line break: "… Cassell and .")', () => {
    const text = [
      'Two lawyers for the plaintiff filed a new lawsuit against the former minister in Podgorica on Monday.',
      'In a filing in the higher court last week, the two lawyers and .',
      'Edwards said their client had been pressured to withdraw her earlier complaint against the ministry.',
      'The former minister denied the claims and said he would sue the lawyers for defamation.',
    ].join(' ');
    const texts = extractiveTakeaways({ text }).map((t) => t.text);
    expect(texts).toHaveLength(3);
    expect(texts.some((t) => t.endsWith('and .'))).toBe(false);
  });

  it('prefers sentences with the regional terms found by relevance when other signals tie', () => {
    const text = [
      'Talks on the new trade rules opened on Monday in the capital.',
      'The ministers discussed customs checks for trucks at the border crossings.',
      'The ministers discussed customs checks for trucks at the ports of Durrës and Bar.',
      'Officials expect an agreement on the rules before the summer holidays begin.',
      'Delegations will meet again next month to review progress on the open issues.',
    ].join(' ');
    const withTerms = extractiveTakeaways({ text, terms: ['Durrës', 'Bar'] }).map((t) => t.text);
    expect(withTerms).toContain('The ministers discussed customs checks for trucks at the ports of Durrës and Bar.');
    expect(withTerms).not.toContain('The ministers discussed customs checks for trucks at the border crossings.');
  });

  it('removes near-duplicates (a caption repeating the lead)', () => {
    const lead = 'Serbia and Kosovo agreed to a new deal on car licence plates after talks in Brussels on Thursday.';
    const text = `${lead} ${lead.replace('Thursday', 'Thursday night')} Drivers will be able to cross the border with their own plates from January. The agreement ends a dispute that led to roadblocks in the north last year. EU envoy Miroslav Lajčák called it an important step for both sides.`;
    const items = extractiveTakeaways({ text }).map((t) => t.text);
    expect(items.filter((t) => t.startsWith('Serbia and Kosovo agreed'))).toHaveLength(1);
  });

  it('gives short teasers what they have, and nothing for an empty text', () => {
    expect(extractiveTakeaways({ text: 'Japan kept its policy rate unchanged on Wednesday after a two-day meeting.' })).toHaveLength(1);
    expect(extractiveTakeaways({ text: '' })).toEqual([]);
    expect(extractiveTakeaways({ text: 'Sources' })).toEqual([]);
  });

  it('never returns a sentence outside the documented 6-55 words, even when few sentences qualify', () => {
    const long = `The council met for a special session on Thursday evening in the old town hall of Cetinje, where members of all six groups, the mayor, two deputy mayors, the heads of the water and transport companies, the director of the museum, a delegation from the twin city in Slovenia and more than forty residents who had asked to speak discussed the plan to close the main square to cars, to move the bus station to the edge of town, to build a car park near the monastery and to raise the price of parking permits for the second time in two years.`;
    const text = [long, 'Residents spoke for three hours.', 'The vote was postponed to next month.'].join(' ');
    expect(long.split(' ').length).toBeGreaterThan(90);
    const texts = extractiveTakeaways({ text }).map((t) => t.text);
    // The 5-word sentence is too short and the 98-word one too long: only one qualifies.
    expect(texts).toEqual(['The vote was postponed to next month.']);
  });

  it('picks a sentence that opens with a pronoun or demonstrative only after the sentence it leans on, or when nothing else is left', () => {
    const text = [
      'The government of Montenegro presented a plan to rebuild the coastal railway on Monday.',
      'Workers in Bar and Podgorica welcomed the plan at meetings on Tuesday evening.',
      'These extraordinary pictures show the old line as it looked when it opened in the last century.',
      'The first trains on the new line are expected to run in the spring of next year.',
      'Engineers will inspect the bridges and tunnels along the route during the winter months.',
    ].join(' ');
    const texts = extractiveTakeaways({ title: 'Montenegro rebuilds coastal railway line', text }).map((t) => t.text);
    expect(texts).toHaveLength(3);
    expect(texts.some((t) => t.startsWith('These extraordinary'))).toBe(false);
    // "This week" leans on nothing: it is an ordinary candidate.
    const weekly = text.replace('These extraordinary pictures show the old line', 'This week the ministry showed the old line');
    expect(extractiveTakeaways({ title: 'Ministry shows the old railway line this week', text: weekly }).map((t) => t.text)).toContain(
      'This week the ministry showed the old line as it looked when it opened in the last century.',
    );
  });

  it('grows from 3 to 5 items with the length of the article', () => {
    expect(itemCount(300)).toBe(3);
    expect(itemCount(1000)).toBe(4);
    expect(itemCount(3000)).toBe(5);
  });
});

describe('quotes', () => {
  const quotes = (text: string) => extractQuotes(text).map((q) => [q.text, q.speaker]);

  it('finds the speaker after the quotation, in either order', () => {
    expect(quotes('"We will not give up on this dialogue," Rutte said. "It is the only way forward for all," said Foreign Minister Ivica Dačić.')).toEqual([
      ['We will not give up on this dialogue', 'Rutte'],
      ['It is the only way forward for all', 'Ivica Dačić'],
    ]);
  });

  it('finds the speaker before the quotation, dropping titles and resolving a surname to the full name', () => {
    const text = 'NATO Secretary General Mark Rutte arrived in Pristina. Later, Rutte stated, "KFOR will remain in Kosovo as long as needed."';
    expect(quotes(text)).toEqual([['KFOR will remain in Kosovo as long as needed.', 'Mark Rutte']]);
  });

  it('resolves "he" and participles ("stating, ...") to the subject of the sentence before', () => {
    const text = 'Prime Minister Edi Rama visited the port of Durrës on Friday. He urged investors to return, stating, "Albania is open for business again."';
    expect(quotes(text)).toEqual([['Albania is open for business again.', 'Edi Rama']]);
  });

  it('reads Serbian, Albanian and Macedonian attributions', () => {
    expect(quotes('„Srbija neće priznati nezavisnost Kosova nikada“, rekao je predsednik Aleksandar Vučić.')).toEqual([
      ['Srbija neće priznati nezavisnost Kosova nikada', 'Aleksandar Vučić'],
    ]);
    expect(quotes('Kurti tha: "Kosova është e gatshme për dialog me Serbinë."')).toEqual([['Kosova është e gatshme për dialog me Serbinë.', 'Kurti']]);
    expect(quotes('„Македонија ќе ги исполни сите услови“, рече Мицкоски.')).toEqual([['Македонија ќе ги исполни сите услови', 'Мицкоски']]);
  });

  it('keeps a described speaker, and single-quoted quotations ending in punctuation', () => {
    expect(quotes('"The budget will be adopted before the end of the year," the ministry said.')).toEqual([
      ['The budget will be adopted before the end of the year', 'the ministry'],
    ]);
    expect(quotes("'I thought the bridge would hold until the end,' the driver told reporters.")).toEqual([
      ['I thought the bridge would hold until the end', 'the driver'],
    ]);
  });

  it('ignores scare quotes and short fragments', () => {
    expect(quotes('The White House called it an effort to "provide broader context" for the "surge" debate.')).toEqual([]);
  });
});

// Counter-examples from a review of attributed quotes (texts written for these tests).
describe('quote speakers: who "he" is, and what is no name', () => {
  const quotes = (text: string) => extractQuotes(text).map((q) => [q.text, q.speaker]);
  const speakerOf = (text: string, start: string): string | null | undefined => extractQuotes(text).find((q) => q.text.startsWith(start))?.speaker;

  it('"he" stands for a person, not for a team or an organisation named in between', () => {
    const text = [
      'League commissioner Roger Goodell suspended the quarterback indefinitely on Friday.',
      'Goodell said the player had admitted to taking part in the scheme.',
      'The Atlanta Falcons said they would not comment before the hearing.',
      '"The conduct described in the report will not be tolerated in this league," he said in a statement.',
    ].join(' ');
    expect(speakerOf(text, 'The conduct')).toBe('Roger Goodell');
  });

  it('"he" never stands for an object or a place ("with Palmer", "of Iraq")', () => {
    const text = [
      'Rory McIlroy told reporters he had dinner with Arnold Palmer on Tuesday.',
      'As for that dinner with Palmer, McIlroy was still excited two days later.',
      '"It was fantastic, it really was, and we spoke for hours," he said.',
    ].join(' ');
    expect(speakerOf(text, 'It was fantastic')).toBe('Rory McIlroy');
    const unnamed = 'A mother of three, she wears a gold pendant of Iraq around her neck. "I have to do anything that I can for my child," she says.';
    expect(speakerOf(unnamed, 'I have to do')).toBeNull();
  });

  it('"he" does not stand for a woman the article calls Ms or Mrs', () => {
    const text = 'The host went on to suggest that Ms Fluke should pay for it herself. He said: "If we are going to pay for this, we want something in return for our money."';
    expect(speakerOf(text, 'If we are going')).toBeNull();
  });

  it('a participle or a second verb takes the subject of its own sentence, never a name from the sentence before', () => {
    const police = 'Duncan Bannatyne reported the threats to officers last week. Last night, police issued a statement saying: "The constabulary can confirm it received a report and officers are investigating the matter."';
    expect(speakerOf(police, 'The constabulary')).toBeNull();
    const coach = 'Fletcher has already been impressed by the young striker on the training ground but admitted: "The lads have gone straight into hard work since the first day back."';
    expect(speakerOf(coach, 'The lads')).toBe('Fletcher');
  });

  it('the full form of a name is one the article uses, not a run of names that only touch ("goalkeeper Gianluigi Buffon Hart")', () => {
    const text = [
      'England goalkeeper Joe Hart won his 50th cap on Tuesday.',
      'Hart said that Buffon was an inspiration to him as a boy.',
      'Fellow goalkeeper Gianluigi Buffon Hart has called a legend of the game played his 150th match.',
      '"I am still learning my game and I want to keep improving in this team," Hart said.',
    ].join(' ');
    expect(speakerOf(text, 'I am still learning')).toBe('Joe Hart');
    const club = [
      'Esteban Cambiasso has won every trophy there is.',
      'Esteban Cambiasso says that keeping Leicester in the league would feel like winning one more.',
      'The former Real Madrid man was also successful in Spain for Real Madrid Cambiasso played in a golden era.',
      '"For me, staying up with this club is like another cup," Cambiasso said.',
    ].join(' ');
    expect(speakerOf(club, 'For me')).toBe('Esteban Cambiasso');
  });

  it('a contraction, a lone common word or a clause is never a speaker', () => {
    const text = "I'm sure it was meant in good humour. When we got to the station he said \"Welcome back to civilisation, everybody on board\" and we laughed.";
    expect(speakerOf(text, 'Welcome back')).not.toBe('I’m');
    expect(speakerOf(text, 'Welcome back')).not.toBe("I'm");
    expect(speakerOf('Fans flooded the page with messages. Another said: "Does anyone know who this man is, because we want to thank him?"', 'Does anyone')).toBeNull();
  });

  it('titles and descriptors are dropped from names: Manager, Prosecutor, Премиерот, poslanik, Stoke manager', () => {
    expect(quotes('Manager Stuart Gray said: "We are offering the player a short-term deal and he is thinking it over."')).toEqual([
      ['We are offering the player a short-term deal and he is thinking it over.', 'Stuart Gray'],
    ]);
    expect(speakerOf('Prosecutor Trina Little told the court: "She was asked to arrange the events and took deposits from the couples."', 'She was asked')).toBe('Trina Little');
    expect(speakerOf('Премиерот Христијан Мицкоски изјави: „Ова е најголемата инвестиција во последните дваесет години.“', 'Ова е')).toBe('Христијан Мицкоски');
    expect(speakerOf('„Ovaj zakon neće proći u ovom obliku“, izjavio je poslanik Marko Petrović.', 'Ovaj zakon')).toBe('Marko Petrović');
    expect(speakerOf("'We let ourselves down in the second half today,' said Stoke manager Mark Hughes.", 'We let')).toBe('Mark Hughes');
  });

  it('reads German, Italian, Albanian and Macedonian attributions', () => {
    expect(speakerOf('„Wir werden die Gespräche mit Belgrad und Pristina fortsetzen“, sagte Außenministerin Annalena Baerbock.', 'Wir werden')).toBe('Annalena Baerbock');
    expect(speakerOf('„Der Westbalkan gehört in die Europäische Union“, sagte er. Zuvor hatte Bundeskanzler Olaf Scholz Tirana besucht.', 'Der Westbalkan')).toBeNull();
    expect(speakerOf('"L\'Albania è un partner affidabile per l\'Italia", ha detto il premier Giorgia Meloni.', "L'Albania")).toBe('Giorgia Meloni');
    expect(speakerOf('"Kosova do të vazhdojë dialogun me Serbinë", tha kryeministri Albin Kurti.', 'Kosova do')).toBe('Albin Kurti');
    expect(speakerOf('„Нема да се откажеме од европскиот пат“, рече претседателката Гордана Сиљановска-Давкова.', 'Нема да')).toBe('Гордана Сиљановска-Давкова');
  });

  it('takes the name before an appositive, and keeps a role without a name as a description', () => {
    expect(speakerOf("David Gartside, head of traffic at the council, said: 'We can confirm the lines were painted after the car had parked.'", 'We can confirm')).toBe('David Gartside');
    expect(speakerOf("Peter Richardson, of the Marine Conservation Society, said: 'We would not recommend getting close to the whales.'", 'We would not')).toBe('Peter Richardson');
    expect(speakerOf('"I would be surprised if that were his decision, but we will see," the US President said.', 'I would be')).toBe('the US President');
    expect(speakerOf("'Our team has looked into the complaint fairly and openly,' a spokesman from Harveys said.", 'Our team')).toBe('a spokesman from Harveys');
  });

  it('a quotation that ends its sentence is not attributed to the name opening the next one; the next quotation of a paragraph keeps its speaker', () => {
    const text = '"Change is good, new blood could be good," said Natividad Andres. "Everything is so unpredictable with politicians these days." Lola Garcia told reporters that she worried about the future.';
    expect(quotes(text)).toEqual([
      ['Change is good, new blood could be good', 'Natividad Andres'],
      ['Everything is so unpredictable with politicians these days.', 'Natividad Andres'],
    ]);
  });

  it('a capitalised "States" is no speech verb', () => {
    expect(speakerOf('A fighter jet flew past the plane in an "unsafe and unprofessional manner" this week, and the United States is complaining.', 'unsafe')).toBeUndefined();
  });
});


describe('takeaways settings (data/takeaways.json)', () => {
  it('the reviewed file compiles', () => {
    expect(compileTakeawaysConfig(raw).version).toBe(raw.version);
  });

  it('the reviewed file validates against data/takeaways.schema.json', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../data/takeaways.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    const ok = validate(raw);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('a malformed file is a ConfigError naming the key and the value', () => {
    const bad = structuredClone(raw) as unknown as { extractive: { mmrLambda: unknown } };
    bad.extractive.mmrLambda = 3;
    expect(() => compileTakeawaysConfig(bad)).toThrow(ConfigError);
    expect(() => compileTakeawaysConfig(bad)).toThrow(/extractive\.mmrLambda.*got 3/);
    const badRegex = structuredClone(raw) as unknown as { extractive: { skip: string[] } };
    badRegex.extractive.skip = ['('];
    expect(() => compileTakeawaysConfig(badRegex)).toThrow(/extractive\.skip\[0\]/);
    expect(() => compileTakeawaysConfig(null)).toThrow(ConfigError);
  });
});

describe('broadcast pleasantries', () => {
  it('an interview transcript gives its substance, not the greetings and thanks around it', () => {
    const text = [
      'Good evening and welcome. Our guest tonight is the interior minister of North Macedonia. Minister, thank you for joining us.',
      'Thank you for having me.',
      'The ministry hired four hundred new border officers this year, twice as many as planned. The new posts on the border with Greece open in March.',
      'Critics say the police academy is too small. We are building a second campus in Štip, which will train six hundred cadets a year from 2028.',
      'Minister, thank you.',
      'Thank you.',
    ].join('\n');
    const items = extractTakeaways({ title: 'Interview with the interior minister', text, terms: ['North Macedonia', 'Štip'] }).items.map((t) => t.text);
    expect(items.length).toBeGreaterThanOrEqual(3);
    for (const item of items) expect(item).not.toMatch(/welcome|thank|our guest/i);
  });
});
