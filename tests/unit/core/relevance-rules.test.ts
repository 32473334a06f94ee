import { describe, expect, it } from 'vitest';
import { classify, classifyDetailed, createClassifier } from '../../../functions/core/relevance/classify';
import { defaultRelevanceConfig, validateGazetteer } from '../../../functions/core/relevance/gazetteer';
import { caseAccepts, caseRuleOf, compileGazetteer, spellingAccepts } from '../../../functions/core/relevance/matcher';

// The general rules behind the relevance decisions, each with cases written for the project:
// capitals and spellings, qualifiers beside a term, namesakes, state actors beside a demonym,
// exonyms, names shown for matches, and the sports tag.

type Item = { title?: string; summary?: string; content?: string };
const sorted = (xs: readonly string[]): string[] => [...xs].sort();

function relevant(item: Item, countries: string[]): void {
  const r = classify(item);
  expect(r.relevant, JSON.stringify({ item, matched: r.matched })).toBe(true);
  expect(sorted(r.countries), JSON.stringify(r.matched)).toEqual(sorted(countries));
}

function irrelevant(item: Item): void {
  const r = classify(item);
  expect(r.relevant, JSON.stringify({ item, matched: r.matched })).toBe(false);
}

describe('case rules (caseRuleOf, caseAccepts)', () => {
  it('an acronym needs its capitals, a capitalised word a capital first letter, a lower-case form nothing', () => {
    expect(caseRuleOf('OHR')).toBe(3);
    expect(caseRuleOf('BiH')).toBe(2);
    expect(caseRuleOf('Pristina')).toBe(-1);
    expect(caseRuleOf('Приштина')).toBe(-1);
    expect(caseRuleOf('srpsk*')).toBe(0);
    expect(caseRuleOf('North Macedonia')).toBe(0);
    expect(caseRuleOf('كوسوفو')).toBe(0);
    expect(caseAccepts(3, 'OHR')).toBe(true);
    expect(caseAccepts(3, 'Ohr')).toBe(false);
    expect(caseAccepts(2, 'BIH')).toBe(true);
    expect(caseAccepts(2, 'bih')).toBe(false);
    expect(caseAccepts(-1, 'pristine')).toBe(false);
    expect(caseAccepts(-1, 'PRISTINA')).toBe(true);
    expect(caseAccepts(-1, 'Приштина')).toBe(true);
  });

  it('"=" forms need the spelling as written, diacritics and script included', () => {
    expect(spellingAccepts('prištine', 'Prištine')).toBe(true);
    expect(spellingAccepts('prištine', 'Pristine')).toBe(false);
    expect(spellingAccepts('приштине', 'Приштине')).toBe(true);
    expect(spellingAccepts(null, 'anything')).toBe(true);
  });
});

describe('M1: common words are not regional terms', () => {
  it.each<[string, Item]>([
    ['pristine (lower case)', { title: 'Car sold in pristine condition fetches record at auction' }],
    ['Pristine (headline capitals)', { title: 'Pristine 1971 Jaguar E-Type Sells for Record Sum' }],
    ['German Ohr (ear)', { title: 'Ein offenes Ohr für die Sorgen der Bürger' }],
    ['another High Representative', { title: 'UN High Representative for Disarmament warns of new arms race' }],
    ['the EU High Representative', { title: 'EU High Representative meets Chinese foreign minister', summary: 'Kallas discussed trade and Ukraine.' }],
    ['Sarbanes-Oxley', { title: 'Sarbanes-Oxley compliance costs rise for small firms' }],
    ['French sarbacane', { title: 'Une sarbacane géante exposée au musée' }],
    ['Italian rame (copper) near "premier"', { title: 'Il premier: il prezzo del rame sale ancora' }],
    ['Rama with an office for someone else', { title: 'Prime Minister Modi offers prayers to Rama' }],
    ['Italian mostarda', { title: 'Mostarda di frutta: la ricetta della nonna' }],
    ['Russian прилепить', { title: 'Как прилепить плитку своими руками' }],
    ['Russian Livny', { title: 'В Ливнах построят новую школу' }],
    ['Slovene zenica (pupil)', { title: 'Ko se zenica razširi' }],
    ['Czech Budvar beer', { title: 'Budvar exports record volume of lager' }],
    ['lower-case kurti (a tunic)', { title: 'Ten cotton kurti styles for the office' }],
    ['Spanish tirana', { title: 'La jefa tirana: cómo sobrevivir en la oficina' }],
    ['Portuguese servia (served)', { title: 'O restaurante servia pratos típicos da região' }],
    ['Dutch / French servie', { title: 'La soupe est servie chaude' }],
  ])('%s', (_name, item) => irrelevant(item));

  it('the same places written as their own languages write them still count', () => {
    relevant({ title: 'Protest in Pristina against new border rules' }, ['XK']);
    relevant({ title: 'Protest ispred zgrade Vlade u Prištini' }, ['XK']);
    relevant({ title: 'Napad na patrolu severno od Prištine', summary: 'Kosovska policija je uhapsila dvojicu.' }, ['XK']);
    relevant({ title: 'OHR: Bosnia must implement the ruling' }, ['BA']);
    relevant({ title: 'Servië: regering treedt af' }, ['RS']);
    relevant({ title: 'Sérvia fecha fronteira com o Kosovo' }, ['RS', 'XK']);
    relevant({ title: 'Mostar bridge reopens after repairs' }, ['BA']);
  });

  it('a cue inside a match never qualifies the match itself', () => {
    const { rejected } = classifyDetailed({ title: 'High Representative visits Geneva for talks' });
    expect(rejected).toEqual([expect.objectContaining({ text: 'High Representative', reason: 'unsupported' })]);
  });

  it('the High Representative by name, or beside a sign of Bosnia, counts', () => {
    relevant({ title: 'Christian Schmidt warns of secession risk' }, ['BA']);
    relevant({ title: 'High Representative imposes changes to the election law in Bosnia' }, ['BA']);
    relevant({ title: 'Schmidt: Dayton must be respected by all sides' }, ['BA']);
  });

  it('an office must stand right beside an ambiguous surname', () => {
    relevant({ title: 'Albanian Prime Minister Rama visits Berlin' }, ['AL']);
    relevant({ title: 'PM Rama defends migration deal with Italy' }, ['AL']);
    const far = classifyDetailed({ title: 'The prime minister of India greeted crowds as Rama festival began' });
    expect(far.relevance.relevant).toBe(false);
  });

  it('qualifiers and vetoes named only in an entry (not in a cue set) are read', () => {
    relevant({ title: 'President Osmani signs the decree' }, ['XK']);
    irrelevant({ title: 'Osmani denies the allegations' });
  });
});

describe('M2: short items about the state', () => {
  it.each<[string, string, string[]]>([
    ['en', 'Serbian President says early elections are possible', ['RS']],
    ['en', 'Albanian PM: no more migrant centres', ['AL']],
    ['en', 'Macedonian government raises minimum wage', ['MK']],
    ['en', 'Serbian police arrest 12 after football riot', ['RS']],
    ['en', 'Montenegrin parliament speaker resigns', ['ME']],
    ['en', 'Bosnian prosecutors charge former minister', ['BA']],
    ['en', 'Kosovar authorities close two border crossings', ['XK']],
    ['de', 'Serbischer Präsident lehnt Sanktionen ab', ['RS']],
    ['fr', 'La police serbe disperse les manifestants', ['RS']],
    ['it', 'Il governo albanese approva la riforma', ['AL']],
    ['es', 'El presidente serbio convoca elecciones', ['RS']],
    ['sr-Latn', 'Srpska policija uhapsila osumnjičene', ['RS']],
    ['sq', 'Policia shqiptare sekuestron drogë', ['AL']],
  ])('%s: %s', (_lang, title, countries) => relevant({ title }, countries));

  it('a demonym alone in a headline is still not enough', () => {
    irrelevant({ title: 'Serbian spruce: the ideal Christmas tree for small gardens' });
    irrelevant({ title: 'Bosnian pine in Italy named Europe\u2019s oldest tree' });
  });
});

describe('M3: namesakes and other readings', () => {
  it.each<[string, Item]>([
    ['a surname after a given name (en)', { title: 'Actress Fernanda Montenegro honoured at 96' }],
    ['a surname after a given name (es)', { title: 'Daniel Montenegro firma con Independiente' }],
    ['a surname in Spanish text', { title: 'El delantero Montenegro renueva con el club' }],
    ['a Brazilian town', { title: 'Prefeitura de Montenegro abre inscrições' }],
    ['the Paris Red Star', { title: 'Red Star FC promoted to Ligue 2' }],
    ['Rama as a given name', { title: 'Rama Yade joins think tank as senior fellow' }],
    ['the wife of the New York mayor', { title: 'Who is Rama Duwaji?', summary: 'The artist married the mayor in 2025.' }],
    ['Lord Rama', { title: 'Devotees celebrate Rama Navami' }],
    ['Tuzla in Istanbul', { title: 'Fire at Tuzla shipyard in Istanbul' }],
    ['Scutari in Istanbul', { title: 'Scutari barracks where Florence Nightingale nursed soldiers reopen as museum' }],
    ['the Australian prime minister', { title: 'Albanese government unveils housing plan' }],
    ['a Russian TV channel', { title: 'Телеканал «Звезда» покажет новый сериал' }],
    ['a diaspora identity', { title: 'Albanian-American businessman wins primary' }],
    ['Dayton city business', { title: 'Dayton city commission approves agreement with union' }],
  ])('%s', (_name, item) => irrelevant(item));

  it('the country and the clubs still count when the text says so', () => {
    relevant({ title: 'El gobierno de Montenegro aprueba la reforma judicial' }, ['ME']);
    relevant({ title: 'Montenegro joins the EU single market for roaming' }, ['ME']);
    relevant({ title: 'Red Star beat Partizan in the Belgrade derby' }, ['RS']);
    relevant({ title: 'Red Star win the EuroLeague game in Athens' }, ['RS']);
    relevant({ title: 'Il Montenegro apre un nuovo capitolo con la Ue' }, ['ME']);
  });

  it('says why a namesake was not counted', () => {
    const { rejected } = classifyDetailed({ title: 'Actress Fernanda Montenegro honoured' });
    expect(rejected).toEqual([expect.objectContaining({ term: 'Montenegro', reason: 'person-name' })]);
  });
});

describe('M4: the sports tag', () => {
  it.each<Item>([
    { title: 'Democratic League of Kosovo wins Pristina mayoral race' },
    { title: 'Serbia says EU offer does not match its energy needs' },
    { title: 'Montenegro: coach crash kills 12' },
    { title: 'Thousands rally at Belgrade stadium for Vučić' },
    { title: 'Neuer Trainer für die Polizei in Belgrad' },
    { title: 'Kosovo league of municipalities elects new chair' },
  ])('no sports tag: %j', (item) => {
    const r = classify(item);
    expect(r.relevant, JSON.stringify(r.matched)).toBe(true);
    expect(r.tags).toEqual([]);
  });

  it.each<Item>([
    { title: 'Kosovo beat Romania in Nations League' },
    { title: 'Djokovic reaches the final in Shanghai' },
    { title: 'Bosnia and Herzegovina name new national team coach' },
    { title: 'Albania stun Serbia in Euro qualifier' },
    { title: 'Montenegro win water polo gold', summary: 'The team beat Greece in the final.' },
  ])('sports tag: %j', (item) => {
    const r = classify(item);
    expect(r.relevant, JSON.stringify(r.matched)).toBe(true);
    expect(r.tags).toEqual(['sports']);
  });
});

describe('minor findings', () => {
  it('matched terms are shown by the entry\u2019s name, the text as written', () => {
    const r = classify({ title: 'Vuçiç: Сърбия, Gevgelija dhe sârbii', summary: 'Vuçiç said so in Prishtina.' });
    const byText = Object.fromEntries(r.matched.map((m) => [m.text, m.term]));
    expect(byText).toMatchObject({ 'Vuçiç': 'Aleksandar Vučić', 'Сърбия': 'Serbia', Gevgelija: 'Gevgelija', Prishtina: 'Pristina' });
  });

  it('"Srpska" alone is the Bosnian entity, not Serbia', () => {
    relevant({ title: 'Constitutional Court strikes down Srpska law', summary: 'Dodik said the entity would not comply.' }, ['BA']);
    relevant({ title: 'Srpska assembly votes on secession referendum' }, ['BA']);
    relevant({ title: 'Srpska napredna stranka slavi pobedu', summary: 'Vučić je rekao da je srpska vlada stabilna.' }, ['RS']);
  });

  it.each<[string, string[]]>([
    ['Durazzo, sequestrate due tonnellate di cocaina', ['AL']],
    ['Valona, nuovo porto turistico', ['AL']],
    ['Scutari, alluvione nel centro storico', ['AL']],
    ['Skutari: Hochwasser in der Altstadt', ['AL']],
    ['Cattaro, nave da crociera si incaglia', ['ME']],
    ['Dulcigno, record di turisti italiani', ['ME']],
    ['Δυρράχιο: συλλήψεις στο λιμάνι', ['AL']],
    ['Αργυρόκαστρο: νέο μουσείο', ['AL']],
    ["Üsküp'te hava kirliliği alarmı", ['MK']],
    ['Újvidéken tüntettek az egyetemisták', ['RS']],
    ['Szabadka: új híd épül', ['RS']],
    ['Trepča miners strike for a third day', ['XK']],
    ['Trepca miners strike for a third day', ['XK']],
    ['Sorensen to lead next round of Kosovo talks', ['XK', 'RS']],
    ['Ochrid: Touristen meiden den See', ['MK']],
  ])('exonym: %s', (title, countries) => relevant({ title }, countries));
});

describe('context rules on a small gazetteer', () => {
  const gazetteer = validateGazetteer({
    version: 't',
    cueSets: { sports: ['football'], ancestry: ['born'], 'given-names': ['Maria'], diaspora: ['American'], office: ['mayor'] },
    entries: [
      { id: 'town', kind: 'town', countries: ['RS'], weight: 3, forms: ['Sombor'] },
      { id: 'demonym', kind: 'demonym', countries: ['RS'], weight: 1, forms: ['Serbian'], qualifiers: ['@office'], window: 1, qualifiedWeight: 3 },
      { id: 'surname', kind: 'person', countries: ['RS'], weight: 3, forms: ['Petrov'], ambiguous: true, qualifiers: ['@office'], window: 1 },
      { id: 'lang', kind: 'country', countries: ['ME'], weight: 3, forms: ['Montenegro'], ambiguousWith: ['el'], qualifiers: ['gobierno'] },
    ],
  });
  const classifier = createClassifier(compileGazetteer(gazetteer), { ...defaultRelevanceConfig, threshold: 3 });
  const run = (title: string): ReturnType<typeof classify> => classify({ title }, classifier);

  it('qualifiedWeight lifts a mention only with a qualifier inside its window', () => {
    expect(run('Serbian mayor resigns').score).toBe(9);
    expect(run('Serbian town elects its mayor').score).toBe(3);
  });

  it('a place after a given name is a person, and a hyphenated diaspora demonym an origin', () => {
    expect(run('Maria Sombor wins award').relevant).toBe(false);
    expect(run('Sombor wins award').relevant).toBe(true);
    expect(run('Serbian-American mayor elected').matched[0]?.discounts).toEqual(['ancestry']);
  });

  it('an ambiguous surname before a capitalised word is someone\u2019s given name', () => {
    expect(run('mayor Petrov resigns').relevant).toBe(true);
    expect(run('mayor Petrov Ivanov resigns').relevant).toBe(false);
  });

  it('ambiguousWith makes a term need support only when its cue is present', () => {
    expect(run('Montenegro firma con Boca').relevant).toBe(true);
    expect(run('el Montenegro firma').relevant).toBe(false);
    expect(run('el gobierno de Montenegro').relevant).toBe(true);
  });
});
