import { fold, isWordCode as isWordCodeExport } from '../text-fold';
import type { Gazetteer } from './gazetteer';

/**
 * The gazetteer compiled into one character trie over folded forms (terms and cue words alike),
 * walked once from each word start of the folded text: a pass over the text whose cost does not
 * grow with the number of terms. Matches begin and end at word boundaries; for terms the longest
 * match wins ("Republika Srpska" is one match, not also "Srpska"), cue words are all reported.
 *
 * Form syntax (after folding): words separated by spaces or hyphens, which match any run of
 * spaces, hyphens or dashes in the text; a word ending in `*` matches any ending of that word
 * (`Crn* Gor*` matches "Crnoj Gori"); a word `#` matches any number ("Route #"); a leading `=`
 * asks for the spelling as written (checked by `spellingAccepts`, not by the trie).
 *
 * Folding forgets capitals, so each form and cue also carries a case rule (`caseRuleOf`) that the
 * classifier checks on the text as written: an acronym (OHR, BiH) needs its capitals, a
 * capitalised single word (Pristina, Tirana) needs a capital first letter.
 */

// A local binding: calls stay direct whatever the module system does with exports.
const isWordCode = isWordCodeExport;

class Node {
  /** Children by character code while building; kept only for wide nodes after `freeze`. */
  next: Map<number, Node> | undefined;
  /** Children of narrow nodes (most of them), scanned linearly: faster than a Map lookup. */
  codes: Uint16Array | undefined;
  kids: Node[] | undefined;
  /** After any run of separators. */
  sep: Node | undefined;
  /** After the rest of the current word (an inner `*`). */
  wild: Node | undefined;
  /** After a run of digits (`#`). */
  num: Node | undefined;
  exactTerms: number[] | undefined;
  prefixTerms: number[] | undefined;
  exactCues: number[] | undefined;
  prefixCues: number[] | undefined;
  /** Non-zero when the node ends a form or forks (sep, wild, num): most nodes are plain steps. */
  special = 0;
}

/** A term form: the entry it belongs to, the form as written, the name shown for it, and its checks. */
export interface FormInfo {
  readonly entry: number;
  readonly form: string;
  readonly name: string;
  /** Ends in `*`: a stem that matches any ending. */
  readonly wildcard: boolean;
  /** See caseRuleOf. */
  readonly caseRule: number;
  /** For `=` forms: the spelling the text must have (lower case, NFC, single spaces); else null. */
  readonly spelling: string | null;
}

export interface Matcher {
  readonly gazetteer: Gazetteer;
  readonly root: Node;
  /** Folded cue words, by cue id. */
  readonly cues: readonly string[];
  /** Case rule of each cue (caseRuleOf of its first spelling). */
  readonly cueCase: readonly number[];
  /** How many words each cue spans. */
  readonly cueWords: Uint8Array;
  /** Cue ids of each cue set. */
  readonly cueSets: ReadonlyMap<string, ReadonlySet<number>>;
  /** Per entry: the cue ids of its qualifiers and vetoes (sets expanded). */
  readonly qualifiers: readonly ReadonlySet<number>[];
  readonly vetoes: readonly ReadonlySet<number>[];
  /** Per entry: the cue ids of its `ambiguousWith`. */
  readonly ambiguousWith: readonly ReadonlySet<number>[];
  /** Per term form id. */
  readonly forms: readonly FormInfo[];
}

const SEPARATORS = /[\s\-\u2010-\u2015\u00ad]+/g;

function isUpperChar(c: string): boolean {
  return c !== c.toLowerCase();
}

/**
 * The case rule of a form or cue as written: 0 none; -1 a capitalised single word, whose match
 * must start with a capital ("Pristina" is not "pristine", "Peć" not "peć"); n > 0 an acronym or a
 * word with inner capitals (OHR, BiH, EU), whose match needs at least n capitals ("Ohr" is an ear).
 * Phrases and lower-case forms (srpsk*, albanese) have no rule.
 */
export function caseRuleOf(written: string): number {
  const ws = written.replace(/^=/, '').split(SEPARATORS).filter(Boolean);
  let upper = 0;
  let inner = false;
  for (const w of ws) {
    const chars = [...w];
    chars.forEach((c, i) => {
      if (isUpperChar(c)) {
        upper++;
        if (i > 0) inner = true;
      }
    });
  }
  if (inner) return upper;
  const first = [...(ws[0] ?? '')].find((c) => c.toLowerCase() !== c.toUpperCase());
  return ws.length === 1 && first !== undefined && isUpperChar(first) ? -1 : 0;
}

/** 1 for an upper-case letter, -1 for a lower-case one, 0 for anything else (ASCII without allocating). */
function letterCase(written: string, i: number): number {
  const code = written.charCodeAt(i);
  if (code < 0x80) return code >= 0x41 && code <= 0x5a ? 1 : code >= 0x61 && code <= 0x7a ? -1 : 0;
  const c = written[i] as string;
  const lower = c.toLowerCase();
  return lower === c.toUpperCase() ? 0 : lower === c ? -1 : 1;
}

/** Whether text as written (the matched span) satisfies a case rule (caseRuleOf). */
export function caseAccepts(rule: number, written: string): boolean {
  if (rule === 0) return true;
  if (rule < 0) {
    for (let i = 0; i < written.length; i++) {
      const k = letterCase(written, i);
      if (k !== 0) return k > 0;
    }
    return true;
  }
  let n = 0;
  for (let i = 0; i < written.length; i++) if (letterCase(written, i) > 0) n++;
  return n >= rule;
}

/** Whether text as written has the spelling an `=` form asks for (see FormInfo.spelling). */
export function spellingAccepts(spelling: string | null, written: string): boolean {
  return spelling === null || written.normalize('NFC').toLowerCase().replace(SEPARATORS, ' ') === spelling;
}

/** Words of a folded form or cue as the scanner counts them ("b.c" is two, "route #" two). */
function countWords(folded: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < folded.length; i++) {
    const c = folded.charCodeAt(i);
    const part: boolean = isWordCode(c) || c === 0x23 || (c === 0x2a && inWord);
    if (part && !inWord) n++;
    inWord = part;
  }
  return Math.max(1, n);
}

function isSepCode(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x2d || (code >= 0x2010 && code <= 0x2015) || code === 0xad;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Split a folded form into words; hyphens and spaces separate words. */
function words(folded: string): string[] {
  return folded.split(/[\s\-\u2010-\u2015]+/).filter(Boolean);
}

function insert(root: Node, form: string, id: number, cue: boolean): void {
  const ws = words(fold(form.trim()));
  let node = root;
  ws.forEach((word, wi) => {
    const last = wi === ws.length - 1;
    if (wi > 0) node = node.sep ??= new Node();
    if (word === '#') {
      node = node.num ??= new Node();
    } else {
      const wildcard = word.endsWith('*');
      const body = wildcard ? word.slice(0, -1) : word;
      for (let i = 0; i < body.length; i++) {
        node.next ??= new Map();
        const code = body.charCodeAt(i);
        let child = node.next.get(code);
        if (!child) node.next.set(code, (child = new Node()));
        node = child;
      }
      if (wildcard && last) {
        if (cue) (node.prefixCues ??= []).push(id);
        else (node.prefixTerms ??= []).push(id);
        return;
      }
      if (wildcard) node = node.wild ??= new Node();
    }
    if (last) {
      if (cue) (node.exactCues ??= []).push(id);
      else (node.exactTerms ??= []).push(id);
    }
  });
}

const NARROW = 6;

/** Turn narrow nodes' child maps into small arrays (after all forms are inserted). */
function freeze(node: Node): void {
  for (const edge of [node.sep, node.wild, node.num]) if (edge) freeze(edge);
  node.special = node.exactTerms || node.exactCues || node.prefixTerms || node.prefixCues || node.sep || node.wild || node.num ? 1 : 0;
  if (!node.next) return;
  for (const kid of node.next.values()) freeze(kid);
  if (node.next.size <= NARROW) {
    node.codes = Uint16Array.from(node.next.keys());
    node.kids = [...node.next.values()];
    node.next = undefined;
  }
}

function child(node: Node, code: number): Node | undefined {
  const codes = node.codes;
  if (codes) {
    for (let k = 0; k < codes.length; k++) if (codes[k] === code) return (node.kids as Node[])[k];
    return undefined;
  }
  return node.next?.get(code);
}

/** Compile a validated gazetteer into a matcher. */
export function compileGazetteer(gazetteer: Gazetteer): Matcher {
  const root = new Node();
  const cueIds = new Map<string, number>();
  const cues: string[] = [];
  const cueCase: number[] = [];
  const cueId = (word: string): number => {
    const key = words(fold(word.trim())).join(' ');
    let id = cueIds.get(key);
    if (id === undefined) {
      id = cues.length;
      cues.push(key);
      cueCase.push(caseRuleOf(word.trim()));
      cueIds.set(key, id);
      insert(root, word, id, true);
    } else if (cueCase[id] !== 0 && caseRuleOf(word.trim()) === 0) {
      // One spelling of the cue without a case rule ("premier" beside "Premier") lifts it.
      cueCase[id] = 0;
    }
    return id;
  };
  const cueSets = new Map<string, Set<number>>();
  for (const [name, list] of Object.entries(gazetteer.cueSets)) cueSets.set(name, new Set(list.map(cueId)));
  const expand = (list: readonly string[] | undefined): Set<number> => {
    const out = new Set<number>();
    for (const item of list ?? []) {
      if (item.startsWith('@')) for (const id of cueSets.get(item.slice(1)) ?? []) out.add(id);
      else out.add(cueId(item));
    }
    return out;
  };
  // Cue words named only in an entry's qualifiers or vetoes join the trie here, before it is frozen.
  const qualifiers = gazetteer.entries.map((e) => expand(e.qualifiers));
  const vetoes = gazetteer.entries.map((e) => expand(e.vetoes));
  const ambiguousWith = gazetteer.entries.map((e) => expand(e.ambiguousWith));
  const forms: FormInfo[] = [];
  gazetteer.entries.forEach((entry, e) => {
    entry.forms.forEach((form, k) => {
      const strict = form.startsWith('=');
      const written = strict ? form.slice(1) : form;
      insert(root, written, forms.length, false);
      forms.push({
        entry: e,
        form: written,
        name: entry.names[k] ?? written,
        wildcard: written.endsWith('*'),
        caseRule: caseRuleOf(written),
        spelling: strict ? written.normalize('NFC').toLowerCase().replace(SEPARATORS, ' ') : null,
      });
    });
  });
  freeze(root);
  return {
    gazetteer,
    root,
    cues,
    cueCase,
    cueWords: Uint8Array.from(cues, (c) => Math.min(255, countWords(c))),
    cueSets,
    qualifiers,
    vetoes,
    ambiguousWith,
    forms,
  };
}

/** A match in folded text: [start, end) in folded offsets, and the word indexes it spans. */
export interface Match {
  /** Term form id (Matcher.forms) or cue id (Matcher.cues). */
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly word: number;
  readonly lastWord: number;
}

export interface ScanResult {
  readonly terms: Match[];
  readonly cues: Match[];
  readonly words: number;
}

function wordEnd(text: string, pos: number): number {
  let e = pos;
  while (e < text.length && isWordCode(text.charCodeAt(e))) e++;
  return e;
}

// Reused walk state (the scanner is synchronous and single-threaded).
const stackNodes: Node[] = [];
const stackPos: number[] = [];
const bestLists: number[][] = [];
let bestEnd = -1;

/** Keep the term lists that end furthest. */
function consider(list: number[], end: number): void {
  if (end > bestEnd) {
    bestEnd = end;
    bestLists.length = 0;
    bestLists.push(list);
  } else if (end === bestEnd && !bestLists.includes(list)) {
    bestLists.push(list);
  }
}

/**
 * Walk the trie from word start `i`: the main path follows characters inline; separators,
 * inner wildcards and numbers fork onto a small stack. Fills bestLists/bestEnd and `cues`.
 */
function walk(root: Node, text: string, i: number, word: number, cues: Match[], cueWords: Uint8Array): void {
  const n = text.length;
  bestEnd = -1;
  if (bestLists.length > 0) bestLists.length = 0;
  let sp = 0;
  stackNodes[sp] = root;
  stackPos[sp++] = i;
  while (sp > 0) {
    sp--;
    let node: Node | undefined = stackNodes[sp] as Node;
    let pos = stackPos[sp] as number;
    while (node) {
      const code = pos < n ? text.charCodeAt(pos) : -1;
      if (node.special === 0) {
        if (code < 0) break;
        node = child(node, code);
        pos++;
        continue;
      }
      if (node.exactTerms || node.exactCues) {
        if (code < 0 || !isWordCode(code)) {
          if (node.exactTerms) consider(node.exactTerms, pos);
          if (node.exactCues) for (const id of node.exactCues) cues.push({ id, start: i, end: pos, word, lastWord: word + (cueWords[id] as number) - 1 });
        }
      }
      if (node.prefixTerms || node.prefixCues) {
        const e = wordEnd(text, pos);
        if (node.prefixTerms) consider(node.prefixTerms, e);
        if (node.prefixCues) for (const id of node.prefixCues) cues.push({ id, start: i, end: e, word, lastWord: word + (cueWords[id] as number) - 1 });
      }
      if (node.wild) {
        stackNodes[sp] = node.wild;
        stackPos[sp++] = wordEnd(text, pos);
      }
      if (code < 0) break;
      if (node.sep && isSepCode(code)) {
        let e = pos + 1;
        while (e < n && isSepCode(text.charCodeAt(e))) e++;
        stackNodes[sp] = node.sep;
        stackPos[sp++] = e;
      } else if (node.num && isDigit(code)) {
        let e = pos + 1;
        while (e < n && isDigit(text.charCodeAt(e))) e++;
        if (e >= n || !isWordCode(text.charCodeAt(e))) {
          stackNodes[sp] = node.num;
          stackPos[sp++] = e;
        }
      }
      node = child(node, code);
      pos++;
    }
  }
}

/**
 * Scan folded text once. Returns term matches (longest at each word start, non-overlapping)
 * and every cue word match.
 */
export function scan(matcher: Matcher, text: string): ScanResult {
  const terms: Match[] = [];
  const cues: Match[] = [];
  const n = text.length;
  const root = matcher.root;
  let i = 0;
  let word = -1;
  while (i < n) {
    while (i < n && !isWordCode(text.charCodeAt(i))) i++;
    if (i >= n) break;
    word++;
    // Most words start with two letters no form starts with: skip them without a walk.
    const c = text.charCodeAt(i);
    const first = child(root, c);
    if (!(root.num && isDigit(c)) && (!first || (first.special === 0 && (i + 1 >= n || !child(first, text.charCodeAt(i + 1)))))) {
      i = wordEnd(text, i);
      continue;
    }
    walk(root, text, i, word, cues, matcher.cueWords);
    const start = i;
    const startWord = word;
    if (bestLists.length > 0) {
      // Count the words the match spans, and continue after it.
      const end = bestEnd;
      i = wordEnd(text, i);
      while (i < end) {
        if (isWordCode(text.charCodeAt(i)) && !isWordCode(text.charCodeAt(i - 1))) word++;
        i++;
      }
      for (const list of bestLists) for (const id of list) terms.push({ id, start, end, word: startWord, lastWord: word });
    } else {
      i = wordEnd(text, i);
    }
  }
  return { terms, cues, words: word + 1 };
}
