import { fold, isWordCode } from '../text-fold';
import type { Gazetteer } from './gazetteer';

/**
 * The gazetteer compiled into one character trie over folded forms (terms and cue words alike),
 * walked once from each word start of the folded text: a pass over the text whose cost does not
 * grow with the number of terms. Matches begin and end at word boundaries; for terms the longest
 * match wins ("Republika Srpska" is one match, not also "Srpska"), cue words are all reported.
 *
 * Form syntax (after folding): words separated by spaces or hyphens, which match any run of
 * spaces, hyphens or dashes in the text; a word ending in `*` matches any ending of that word
 * (`Crn* Gor*` matches "Crnoj Gori"); a word `#` matches any number ("Route #").
 */

const SEP = 0x20;

class Node {
  next: Map<number, Node> | undefined;
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
}

export interface Matcher {
  readonly gazetteer: Gazetteer;
  readonly root: Node;
  /** Folded cue words, by cue id. */
  readonly cues: readonly string[];
  /** Cue ids of each cue set. */
  readonly cueSets: ReadonlyMap<string, ReadonlySet<number>>;
  /** Per entry: the cue ids of its qualifiers and vetoes (sets expanded). */
  readonly qualifiers: readonly ReadonlySet<number>[];
  readonly vetoes: readonly ReadonlySet<number>[];
  /** Per term form id: the entry it belongs to and the form as written. */
  readonly forms: readonly { readonly entry: number; readonly form: string }[];
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

/** Compile a validated gazetteer into a matcher. */
export function compileGazetteer(gazetteer: Gazetteer): Matcher {
  const root = new Node();
  const cueIds = new Map<string, number>();
  const cues: string[] = [];
  const cueId = (word: string): number => {
    const key = words(fold(word.trim())).join(' ');
    let id = cueIds.get(key);
    if (id === undefined) {
      id = cues.length;
      cues.push(key);
      cueIds.set(key, id);
      insert(root, word, id, true);
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
  const forms: { entry: number; form: string }[] = [];
  gazetteer.entries.forEach((entry, e) => {
    for (const form of entry.forms) {
      insert(root, form, forms.length, false);
      forms.push({ entry: e, form });
    }
  });
  return {
    gazetteer,
    root,
    cues,
    cueSets,
    qualifiers: gazetteer.entries.map((e) => expand(e.qualifiers)),
    vetoes: gazetteer.entries.map((e) => expand(e.vetoes)),
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

/** Keep the term lists that end furthest; returns the new best end. */
function consider(list: number[], end: number, bestEnd: number): number {
  if (end > bestEnd) {
    bestLists.length = 0;
    bestLists.push(list);
    return end;
  }
  if (end === bestEnd && !bestLists.includes(list)) bestLists.push(list);
  return bestEnd;
}

/**
 * Scan folded text once. Returns term matches (longest at each word start, non-overlapping)
 * and every cue word match.
 */
export function scan(matcher: Matcher, text: string): ScanResult {
  const terms: Match[] = [];
  const cues: Match[] = [];
  const n = text.length;
  let i = 0;
  let word = -1;
  while (i < n) {
    while (i < n && !isWordCode(text.charCodeAt(i))) i++;
    if (i >= n) break;
    word++;
    // Walk the trie from this word start.
    let bestEnd = -1;
    bestLists.length = 0;
    stackNodes.length = 0;
    stackPos.length = 0;
    stackNodes.push(matcher.root);
    stackPos.push(i);
    while (stackNodes.length > 0) {
      const node = stackNodes.pop() as Node;
      const pos = stackPos.pop() as number;
      const code = pos < n ? text.charCodeAt(pos) : -1;
      const boundary = code < 0 || !isWordCode(code);
      if (boundary && (node.exactTerms || node.exactCues)) {
        if (node.exactTerms) bestEnd = consider(node.exactTerms, pos, bestEnd);
        if (node.exactCues) for (const id of node.exactCues) cues.push({ id, start: i, end: pos, word, lastWord: -1 });
      }
      if (node.prefixTerms || node.prefixCues) {
        const e = wordEnd(text, pos);
        if (node.prefixTerms) bestEnd = consider(node.prefixTerms, e, bestEnd);
        if (node.prefixCues) for (const id of node.prefixCues) cues.push({ id, start: i, end: e, word, lastWord: -1 });
      }
      if (node.wild) {
        stackNodes.push(node.wild);
        stackPos.push(wordEnd(text, pos));
      }
      if (code < 0) continue;
      if (node.sep && isSepCode(code)) {
        let e = pos + 1;
        while (e < n && isSepCode(text.charCodeAt(e))) e++;
        stackNodes.push(node.sep);
        stackPos.push(e);
      } else if (node.num && isDigit(code)) {
        let e = pos + 1;
        while (e < n && isDigit(text.charCodeAt(e))) e++;
        if (e >= n || !isWordCode(text.charCodeAt(e))) {
          stackNodes.push(node.num);
          stackPos.push(e);
        }
      }
      const child = node.next?.get(code);
      if (child) {
        stackNodes.push(child);
        stackPos.push(pos + 1);
      }
    }
    const start = i;
    const startWord = word;
    if (bestLists.length > 0) {
      // Count the words the match spans, and continue after it.
      i = wordEnd(text, i);
      while (i < bestEnd) {
        if (isWordCode(text.charCodeAt(i)) && !isWordCode(text.charCodeAt(i - 1))) word++;
        i++;
      }
      for (const list of bestLists) for (const id of list) terms.push({ id, start, end: bestEnd, word: startWord, lastWord: word });
    } else {
      i = wordEnd(text, i);
    }
  }
  // Cue matches record their last word lazily: the word index of their start is enough for windows.
  return { terms, cues, words: word + 1 };
}
