import { describe, expect, it } from 'vitest';
import { classify, classifyDetailed, createClassifier, defaultMatcher } from '../../../functions/core/relevance/classify';
import { defaultRelevanceConfig, type RelevanceConfig } from '../../../functions/core/relevance/gazetteer';

// Labelled cases written for the project (not taken from any corpus). Each family of the policy
// has its own block; every language and script the gazetteer claims has at least one case.

type Item = { title?: string; summary?: string; content?: string };
const sorted = (xs: readonly string[]): string[] => [...xs].sort();

function expectRelevant(item: Item, countries: string[]): void {
  const r = classify(item);
  expect(r.relevant, JSON.stringify({ item, r })).toBe(true);
  expect(sorted(r.countries), JSON.stringify(r.matched)).toEqual(sorted(countries));
}

function expectIrrelevant(item: Item): void {
  const r = classify(item);
  expect(r.relevant, JSON.stringify({ item, matched: r.matched })).toBe(false);
  expect(r.countries).toEqual([]);
}

describe('relevant coverage, by language and script', () => {
  it.each<[string, Item, string[]]>([
    ['en', { title: 'Kurti and Vučić meet in Brussels for EU-mediated talks', summary: 'The leaders of Kosovo and Serbia met for the first time in a year.' }, ['RS', 'XK']],
    ['en', { title: 'Parliament in Podgorica elects new speaker', summary: 'Montenegro lawmakers voted late on Tuesday.' }, ['ME']],
    ['en', { title: 'Dodik defies the High Representative', summary: 'The Republika Srpska leader said the entity would not comply with the Bonn powers.' }, ['BA']],
    ['en', { title: 'Floods hit Mostar and Tuzla after days of rain', summary: 'Rescue teams worked through the night.' }, ['BA']],
    ['en', { title: 'Albanian prime minister Edi Rama opens new port in Durrës' }, ['AL']],
    ['en', { title: 'North Macedonia’s parliament approves new cabinet', summary: 'Prime Minister Hristijan Mickoski said reforms would continue.' }, ['MK']],
    ['sr-Latn', { title: 'Vlada Srbije usvojila budžet za narednu godinu', summary: 'Ministar finansija je rekao da će plate u javnom sektoru rasti.' }, ['RS']],
    ['sr-Cyrl', { title: 'Влада Србије усвојила буџет', summary: 'Скупштина Србије расправља о буџету у Београду.' }, ['RS']],
    ['sr-Cyrl', { title: 'Протест у Новом Саду', summary: 'Студенти су блокирали мост на Дунаву.' }, ['RS']],
    ['mk', { title: 'Владата на Северна Македонија одржа седница', summary: 'Премиерот Мицкоски зборуваше за буџетот во Скопје.' }, ['MK']],
    ['sq', { title: 'Qeveria e Shqipërisë miraton buxhetin', summary: 'Kryeministri Edi Rama tha në Tiranë se buxheti rritet.' }, ['AL']],
    ['sq (Kosovo)', { title: 'Kuvendi i Kosovës mbledhet sot në Prishtinë', summary: 'Deputetët do të votojnë për qeverinë e re.' }, ['XK']],
    ['bs', { title: 'Vijeće ministara BiH usvojilo prijedlog zakona', summary: 'Sjednica je održana u Sarajevu.' }, ['BA']],
    ['cnr', { title: 'Skupština Crne Gore izglasala novu vladu', summary: 'Premijer Spajić predstavio je program u Podgorici.' }, ['ME']],
    ['hr-language about Bosnia', { title: 'Poplave u Bosni i Hercegovini: evakuirano stotine ljudi', summary: 'Najteže je u Zenici i Doboju.' }, ['BA']],
    ['de', { title: 'Zehntausende demonstrieren in Belgrad gegen die Regierung', summary: 'In Serbien wächst der Unmut über Korruption.' }, ['RS']],
    ['de', { title: 'Nordmazedonien wählt ein neues Parlament' }, ['MK']],
    ['fr', { title: 'Le Monténégro signe un accord avec l’Union européenne', summary: 'Podgorica espère adhérer avant 2030.' }, ['ME']],
    ['it', { title: 'Albania, il governo approva la riforma della giustizia', summary: 'A Tirana la maggioranza socialista ha votato compatta.' }, ['AL']],
    ['es', { title: 'Kosovo y Serbia acuerdan reanudar el diálogo', summary: 'Las conversaciones se celebrarán en Bruselas.' }, ['RS', 'XK']],
    ['pt', { title: 'Protestos em Belgrado contra o governo da Sérvia', summary: 'Milhares de estudantes saíram às ruas.' }, ['RS']],
    ['pl', { title: 'Czarnogóra wybiera nowy parlament', summary: 'W Podgoricy trwa liczenie głosów.' }, ['ME']],
    ['sl', { title: 'Črna gora dobila novo vlado', summary: 'Poslanci v Podgorici so podprli novega premierja.' }, ['ME']],
    ['el', { title: 'Εκλογές στη Βόρεια Μακεδονία', summary: 'Οι πολίτες ψηφίζουν σήμερα στα Σκόπια.' }, ['MK']],
    ['bg', { title: 'Северна Македония и Албания започват преговори', summary: 'Решението беше взето в Брюксел.' }, ['AL', 'MK']],
    ['ro', { title: 'Serbia și Kosovo reiau dialogul la Bruxelles' }, ['RS', 'XK']],
    ['ru', { title: 'В Сербии прошли массовые протесты', summary: 'Демонстранты собрались в центре Белграда.' }, ['RS']],
    ['uk', { title: 'Сербія та Косово відновлюють переговори' }, ['RS', 'XK']],
    ['tr', { title: 'Sırbistan ve Kosova arasında yeni gerginlik', summary: 'Priştine yönetimi sınır kapısını kapattı.' }, ['RS', 'XK']],
    ['hu', { title: 'Szerbia új kormányt választott', summary: 'A belgrádi parlament kedden szavazott.' }, ['RS']],
    ['nl', { title: 'Noord-Macedonië opent toetredingsgesprekken met de EU' }, ['MK']],
    ['ar', { title: 'صربيا تعلن حالة الطوارئ بسبب الفيضانات' }, ['RS']],
  ])('%s: %j', (_lang, item, countries) => expectRelevant(item, countries));
});

describe('institutions, processes and places', () => {
  it.each<[Item, string[]]>([
    [{ title: 'KFOR increases patrols near the Jarinje crossing' }, ['XK']],
    [{ title: 'EULEX hands over remaining cases to local prosecutors' }, ['XK']],
    [{ title: 'UNMIK chief briefs the Security Council' }, ['XK']],
    [{ title: 'Office of the High Representative rejects new entity law' }, ['BA']],
    [{ title: 'Thirty years after Dayton: can the peace agreement be reformed?' }, ['BA']],
    [{ title: 'Berlin Process leaders meet in London', summary: 'The summit focused on the Western Balkans and the common regional market.' }, ['AL', 'BA', 'XK', 'ME', 'MK', 'RS']],
    [{ title: 'Belgrade–Pristina dialogue resumes after six-month pause' }, ['RS', 'XK']],
    [{ title: 'Open Balkan initiative stalls', summary: 'Officials from Belgrade, Tirana and Skopje disagreed on the agenda.' }, ['AL', 'MK', 'RS']],
    [{ title: 'Banjska attack suspects released', summary: 'The court in Pristina ruled on Friday.' }, ['XK']],
    [{ title: 'Srebrenica marks anniversary of the genocide', summary: 'Thousands gathered at Potočari.' }, ['BA']],
  ])('%j', (item, countries) => expectRelevant(item, countries));

  it('Republika Srpska is Bosnia, not Serbia', () => {
    const r = classify({ title: 'Republika Srpska assembly adopts declaration', summary: 'Lawmakers in Banja Luka voted on Thursday.' });
    expect(r.countries).toEqual(['BA']);
  });

  it('Bosnian Serbs are Bosnia and Kosovo Serbs are Kosovo', () => {
    expect(classify({ title: 'Bosnian Serb lawmakers walk out of the state parliament' }).countries).toEqual(['BA']);
    expect(classify({ title: 'Kosovo Serbs protest new licence plate rules' }).countries).toEqual(['XK']);
  });

  it('an item about the region as a whole is tagged with all six', () => {
    const r = classify({ title: 'EU unveils growth plan for the Western Balkans', summary: 'Brussels promises six billion euros in grants and loans to the WB6.' });
    expect(r.relevant).toBe(true);
    expect(sorted(r.countries)).toEqual(['AL', 'BA', 'ME', 'MK', 'RS', 'XK']);
  });

  it('a side mention far below the top country is not tagged', () => {
    const r = classify({
      title: 'Montenegro government survives confidence vote',
      summary: 'Prime Minister Spajić won the support of 46 lawmakers in Podgorica; pro-Serbian parties abstained.',
    });
    expect(r.countries).toEqual(['ME']);
  });
});

describe('hard negatives', () => {
  it.each<[string, Item]>([
    ['ancient Macedonia', { title: 'New finds at Vergina shed light on Philip II', summary: 'Archaeologists say the tomb belonged to the kingdom of Macedonia in the fourth century BC.' }],
    ['Alexander the Great', { title: 'Alexander the Great: how Macedonia conquered an empire', summary: 'A new exhibition traces the ancient campaigns.' }],
    ['Greek Macedonia', { title: 'Wildfires rage in Macedonia near Thessaloniki', summary: 'Firefighters battled blazes in Halkidiki overnight.' }],
    ['Greek Macedonia (mk-language outlet)', { title: 'Пожари во Солун', summary: 'Атина, 3 јули – Неколку пожари избувнаа во источниот дел на градот.' }],
    ['Dayton, Ohio', { title: 'Dayton city commission approves budget', summary: 'DAYTON, Ohio — The commission voted 4-1 on Wednesday.' }],
    ['Dayton without the agreement', { title: 'Dayton police investigate downtown shooting', summary: 'Officers were called to a bar late on Saturday.' }],
    ['Albany', { title: 'Lawmakers in Albany reach a late budget deal', summary: 'Governor Hochul said the state would invest in housing.' }],
    ['Macedonia, Ohio', { title: 'Macedonia council approves new park', summary: 'The Summit County suburb will open the park in spring.' }],
    ['Belgrade, Maine', { title: 'Belgrade selectmen discuss road repairs', summary: 'The Maine town will repave Route 27 this summer.' }],
    ['Amaro Montenegro', { title: 'Amaro Montenegro launches a new bottle', summary: 'The Bologna liqueur maker reported record sales.' }],
    ['Montenegro, Rio Grande do Sul', { title: 'Prefeitura de Montenegro anuncia obras', summary: 'O prefeito disse que os vereadores aprovaram o projeto no Rio Grande do Sul.' }],
    ['Lord Rama', { title: 'Ram Navami celebrated across India', summary: 'Devotees of Lord Rama gathered in temples in Ayodhya.' }],
    ['Rama Duwaji', { title: 'Who is Rama Duwaji?', summary: 'The artist is married to New York mayor Zohran Mamdani.' }],
    ['Anthony Albanese', { title: 'Albanese announces new housing plan', summary: 'Anthony Albanese said Australia would build more homes.' }],
    ['macedonia di frutta', { title: 'Macedonia di frutta: la ricetta perfetta', summary: 'Un dessert fresco con frutta di stagione, zucchero e limone.' }],
    ['bar exam', { title: 'Bar exam pass rates fall again', summary: 'Fewer law graduates passed the state bar this year.' }],
    ['person of Serbian birth abroad', { title: 'Retrospective opens in Stockholm', summary: 'The performance artist, born in Belgrade in 1946, lives in New York.' }],
    ['regional-language outlet on another country', { title: 'Tramp razgovarao sa Putinom', summary: 'Američki predsednik i ruski predsednik razgovarali su sat vremena.' }],
    ['Visegrad Group', { title: 'Visegrad Group leaders meet in Prague', summary: 'Poland, Hungary, Czechia and Slovakia discussed energy.' }],
    ['Georgia', { title: 'Protests in Tbilisi against the government', summary: 'Georgia’s opposition rejected the election results.' }],
    ['Yugoslav label only', { title: 'The Artist Is Present', summary: 'A retrospective of the performance artist (Yugoslav, b. 1946) at the museum.' }],
    ['Russian relative pronoun is not Kotor', { title: 'Закон, который изменит всё', summary: 'Документ, которое правительство приняло вчера.' }],
  ])('%s', (_family, item) => expectIrrelevant(item));

  it('explains why an ambiguous reading was not counted', () => {
    const { relevance, rejected } = classifyDetailed({ title: 'Dayton, Ohio approves new bus routes' });
    expect(relevance.relevant).toBe(false);
    expect(rejected).toEqual(expect.arrayContaining([expect.objectContaining({ text: 'Dayton', reason: 'vetoed' })]));
    const rama = classifyDetailed({ title: 'Rama speaks at the festival' });
    expect(rama.rejected).toEqual([expect.objectContaining({ text: 'Rama', reason: 'unsupported' })]);
  });

  it('ambiguous terms count with support or a qualifier', () => {
    expectRelevant({ title: 'Rama meets Meloni in Rome', summary: 'The Albanian prime minister discussed the migration deal.' }, ['AL']);
    expectRelevant({ title: 'Edi Rama wins fourth term' }, ['AL']);
    expectRelevant({ title: 'Macedonia invited to join NATO', summary: 'The government in Skopje welcomed the decision.' }, ['MK']);
    expectRelevant({ title: 'Serbia, Montenegro, Macedonia: visa-free travel from Saturday' }, ['ME', 'MK', 'RS']);
    expectRelevant({ title: 'Bosnia marks 30 years since Dayton', summary: 'The peace agreement ended the war.' }, ['BA']);
  });

  it('"Belgrade" counts on its own, in English as in other languages, unless the text is local US news', () => {
    expectRelevant({ title: 'Tens of thousands protest in Belgrade against the government' }, ['RS']);
    expectRelevant({ title: 'Belgrade firefighters rescue family from burning house', summary: 'Crews responded late on Sunday and nobody was hurt.' }, ['RS']);
    expectRelevant({ title: 'Protest in Belgrad', summary: 'Zehntausende gingen auf die Straße.' }, ['RS']);
    expectIrrelevant({ title: 'Belgrade firefighters rescue family', summary: 'The Kennebec County crews responded late on Sunday.' });
  });

  it('a veto yields to other evidence of the same country', () => {
    expectRelevant({ title: 'Amaro Montenegro sponsors festival in Podgorica', summary: 'The Italian liqueur brand returns to the Montenegrin capital.' }, ['ME']);
  });
});

describe('neighbours alone are not in scope', () => {
  it.each<[string, Item]>([
    ['Croatia', { title: 'Croatia joins the Schengen area', summary: 'Zagreb celebrated the end of border checks.' }],
    ['Croatia (hr)', { title: 'Hrvatski sabor izglasao novi zakon', summary: 'Premijer Plenković pozdravio je odluku u Zagrebu.' }],
    ['Slovenia', { title: 'Slovenia’s parliament approves new government', summary: 'The small Balkan nation has a new prime minister.' }],
    ['Bulgaria', { title: 'Bulgaria holds its seventh election in four years', summary: 'GERB is expected to finish first.' }],
    ['Bulgaria (sr)', { title: 'GERB pobedio na izborima u Bugarskoj', summary: 'Sofija – Rezultati pokazuju podeljen parlament.' }],
    ['Greece', { title: 'Greece raises minimum wage', summary: 'Athens said the increase takes effect in April.' }],
    ['Romania', { title: 'Romania elects a new president', summary: 'Voters in Bucharest queued for hours.' }],
  ])('%s', (_name, item) => expectIrrelevant(item));

  it('a deployment that adds a country to the scope gets it', () => {
    const config: RelevanceConfig = { ...defaultRelevanceConfig, scope: [...defaultRelevanceConfig.scope, 'HR'] };
    const classifier = createClassifier(defaultMatcher, config);
    const r = classify({ title: 'Croatia joins the Schengen area', summary: 'Zagreb celebrated the end of border checks.' }, classifier);
    expect(r).toMatchObject({ relevant: true, countries: ['HR'] });
  });
});

describe('passing mentions', () => {
  it('a country in a long list of others is not coverage', () => {
    expectIrrelevant({
      title: 'Eurovision: the ten finalists of the second semi-final',
      summary: 'The countries that qualified are Austria, Albania, Belgium, Cyprus, Estonia, Lithuania, Poland, Australia, Armenia and Slovenia.',
    });
  });

  it('a list made mostly of the region is coverage', () => {
    expectRelevant(
      { title: 'EU report on visa-free travel', summary: 'The Commission monitored the visa-free regime with Albania, Bosnia and Herzegovina, Montenegro, North Macedonia and Serbia as well as Moldova.' },
      ['AL', 'BA', 'ME', 'MK', 'RS'],
    );
  });

  it('one late mention in a long summary is not coverage', () => {
    expectIrrelevant({
      title: 'NATO leaders agree on defence spending',
      summary:
        'Alliance leaders meeting in Brussels agreed to raise defence budgets and discussed threats from Russia and terrorism. The meeting also reviewed missions in Iraq and Afghanistan and the support for Ukraine, and it set new targets for readiness and air defence. They also agreed to invite Macedonia to start accession talks.',
    });
  });

  it('a single mention deep in the body is not coverage', () => {
    expectIrrelevant({ title: 'EU summit agrees on budget', summary: 'Leaders met in Brussels.', content: 'Delegations from many countries including Serbia attended.' });
  });

  it('a mention under a headline about a neighbour counts less', () => {
    const r = classify({ title: 'Croatia adopts the euro', summary: 'Zagreb switched currency at midnight; enlargement to Montenegro is on hold.' });
    expect(r.relevant).toBe(false);
    expect(r.matched).toEqual([expect.objectContaining({ text: 'Montenegro', discounts: ['foreign-headline'] })]);
  });

  it('an early mention in the lead of a regional outlet is coverage', () => {
    expectRelevant({ title: 'Vlada zakazala sjednicu', summary: 'Vlada Crne Gore će danas održati sjednicu u 10 časova.' }, ['ME']);
  });
});

describe('sports', () => {
  it.each<[Item, string[]]>([
    [{ title: 'Djokovic wins his 25th Grand Slam title', summary: 'The Serbian beat his rival in four sets.' }, ['RS']],
    [{ title: 'Partizan beat Crvena zvezda in the eternal derby', summary: 'The Belgrade football derby ended 2-1.' }, ['RS']],
    [{ title: 'Kosovo beat Iceland in Nations League play-off', summary: 'The match at the Fadil Vokrri stadium in Pristina ended 2-1.' }, ['XK']],
    [{ title: 'Jokić leads Denver to victory', summary: 'The Serbian centre recorded another triple-double in the NBA.' }, ['RS']],
    [{ title: 'Džeko scores twice as Bosnia beat Romania', summary: 'The World Cup qualifier was played in Zenica.' }, ['BA']],
  ])('tagged sports: %j', (item, countries) => {
    const r = classify(item);
    expect(r.relevant).toBe(true);
    expect(r.tags).toEqual(['sports']);
    expect(sorted(r.countries)).toEqual(sorted(countries));
  });

  it('non-sports coverage has no sports tag', () => {
    expect(classify({ title: 'Serbia raises pensions', summary: 'The government in Belgrade approved the increase.' }).tags).toEqual([]);
  });

  it('other Red Star and partisans need sports context', () => {
    expectIrrelevant({ title: 'Red Star over the Kremlin', summary: 'A history of the Soviet flag.' });
  });
});

describe('output and scoring', () => {
  it('reports each match with its term, field, countries and the text as written', () => {
    const r = classify({ title: 'Protest in Beograd', content: 'Students marched through Belgrade.' });
    expect(r.matched).toEqual(expect.arrayContaining([
      expect.objectContaining({ term: 'Belgrade', text: 'Beograd', field: 'title', countries: ['RS'], kind: 'capital' }),
      expect.objectContaining({ term: 'Belgrade', text: 'Belgrade', field: 'content', countries: ['RS'] }),
    ]));
    expect(r.classifierVersion).toMatch(/^gaz-.+\/t\d+/);
  });

  it('shows the matched text in its original script and case', () => {
    const r = classify({ title: 'ВУЧИЋ: Србија неће признати Косово' });
    expect(r.matched.map((m) => m.text).sort()).toEqual(['ВУЧИЋ', 'Косово', 'Србија'].sort());
  });

  it('weighs the title above the summary above the content', () => {
    const at = (field: 'title' | 'summary' | 'content'): number => classify({ [field]: 'Serbia' }).score;
    expect(at('title')).toBeGreaterThan(at('summary'));
    expect(at('summary')).toBeGreaterThan(at('content'));
  });

  it('saturates repeated mentions of one term', () => {
    const once = classify({ summary: 'Serbia' }).score;
    const ten = classify({ summary: Array(10).fill('Serbia').join(', and ') }).score;
    expect(ten).toBeGreaterThan(once);
    expect(ten).toBeLessThan(once * 4);
  });

  it('uses the one threshold from the config', () => {
    const item = { summary: 'Lawmakers in Podgorica met on Tuesday.' };
    expect(classify(item).relevant).toBe(true);
    const strict = createClassifier(defaultMatcher, { ...defaultRelevanceConfig, threshold: 50 });
    expect(classify(item, strict)).toMatchObject({ relevant: false, countries: [] });
  });

  it('is empty-handed on empty or unrelated input', () => {
    expect(classify({})).toMatchObject({ relevant: false, score: 0, countries: [], matched: [], tags: [] });
    expect(classify({ title: 'Stock markets rally in Tokyo' })).toMatchObject({ relevant: false, matched: [] });
  });
});
