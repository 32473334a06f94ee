import { decodeHTML } from 'entities';

/**
 * Text-level repairs that let a strict XML parser read what real feeds publish. None of them
 * builds a tree; each is one scan over the text that skips CDATA sections and comments.
 *
 * - escapeInlineMarkup (always): markup written straight into a text element — XHTML content
 *   (`type="xhtml"`), or HTML pasted into <description> without CDATA — becomes escaped text,
 *   so the element reads as one HTML string in document order (xml2js would otherwise split it
 *   into child objects and lose the order, and an unclosed <br> would break the whole feed).
 * - repairXmlText (only after a strict parse failed): entities declared in the internal DTD
 *   subset expanded, HTML entities (&nbsp;, &eacute;...) turned into character references,
 *   bare "&" and stray "<" escaped, control characters dropped, a truncated document cut
 *   after its last complete item and closed, and mismatched close tags put right.
 */

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/** Elements whose content is text (or HTML), never structure. */
const TEXT_ELEMENTS = new Set([
  'title', 'description', 'summary', 'content', 'subtitle', 'tagline', 'rights', 'copyright', 'info',
  'content:encoded', 'xhtml:body', 'atom:title', 'atom:summary', 'atom:content', 'atom:subtitle',
]);

const ESCAPE: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const escapeText = (text: string): string => text.replace(/[&<>]/g, (c) => ESCAPE[c] ?? c);

/** Skippable regions (CDATA, comments) or a start tag; group 1 = name, group 2 = "/" when self-closing. */
const START = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)(?:\s[^<>]*?)?(\/?)>/g;

/** True when `inner` holds an element (outside CDATA and comments). */
function hasChildElement(inner: string): boolean {
  if (!inner.includes('<')) return false;
  return /<[A-Za-z_]/.test(inner.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g, ''));
}

/** Where the element opened just before `from` closes: [start of "</name", end of its ">"], or undefined. */
function findClose(xml: string, name: string, from: number): readonly [number, number] | undefined {
  const escaped = name.replace(/[.]/g, '\\.');
  const re = new RegExp(`<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|<!--[\\s\\S]*?-->|<(/?)${escaped}(?:\\s[^<>]*?)?(/?)>`, 'g');
  re.lastIndex = from;
  let depth = 1;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[0].startsWith('<!')) continue;
    if (m[1] === '/') {
      depth--;
      if (depth === 0) return [m.index, re.lastIndex];
    } else if (m[2] !== '/') {
      depth++;
    }
  }
  return undefined;
}

/** Markup and CDATA inside a text element, escaped into plain character data. */
function escapeInner(inner: string): string {
  let out = '';
  let last = 0;
  const re = /<!\[CDATA\[([\s\S]*?)\]\]>/g;
  for (let m = re.exec(inner); m; m = re.exec(inner)) {
    out += escapeText(inner.slice(last, m.index)) + escapeText(m[1] ?? '');
    last = re.lastIndex;
  }
  return out + escapeText(inner.slice(last));
}

/**
 * Escape markup written directly inside text elements (see the module comment).
 *
 * @example escapeInlineMarkup('<description><p>a<br>b</p></description>')
 *          // '<description>&lt;p&gt;a&lt;br&gt;b&lt;/p&gt;</description>'
 */
export function escapeInlineMarkup(xml: string): string {
  let out = '';
  let last = 0;
  START.lastIndex = 0;
  for (let m = START.exec(xml); m; m = START.exec(xml)) {
    const name = m[1];
    if (!name || m[2] === '/' || !TEXT_ELEMENTS.has(name)) continue;
    const innerStart = START.lastIndex;
    const close = findClose(xml, name, innerStart);
    if (!close) continue;
    const inner = xml.slice(innerStart, close[0]);
    if (hasChildElement(inner)) {
      out += xml.slice(last, innerStart) + escapeInner(inner);
      last = close[0];
    }
    START.lastIndex = close[1];
  }
  return last === 0 ? xml : out + xml.slice(last);
}

// ---------------------------------------------------------------------------------------------

/** Internal general entities declared in a DOCTYPE (`<!ENTITY name "value">`), values unexpanded. */
function declaredEntities(xml: string): Map<string, string> {
  const entities = new Map<string, string>();
  const doctype = /<!DOCTYPE[^[>]*\[([\s\S]*?)\]\s*>/.exec(xml.slice(0, 64 * 1024));
  if (!doctype) return entities;
  const re = /<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>/g;
  for (let m = re.exec(doctype[1] ?? ''); m; m = re.exec(doctype[1] ?? '')) {
    if (m[1] && !entities.has(m[1])) entities.set(m[1], m[2] ?? m[3] ?? '');
  }
  return entities;
}

const charRef = (text: string): string => [...text].map((c) => `&#${c.codePointAt(0)};`).join('');

/** Fix references in character data: declared and HTML entities, bare "&", stray "<". */
function repairCharacterData(text: string, entities: ReadonlyMap<string, string>, budget: { left: number }): string {
  return text
    .replace(/&(?:([A-Za-z_][\w.-]*);|#(\d+);|#[xX]([0-9a-fA-F]+);)?/g, (ref, name: string | undefined, dec: string | undefined, hex: string | undefined) => {
      if (dec !== undefined || hex !== undefined) {
        const cp = dec !== undefined ? Number(dec) : parseInt(hex ?? '', 16);
        return isXmlChar(cp) ? `&#${cp};` : '';
      }
      if (name === undefined) return '&amp;';
      if (XML_ENTITIES.has(name)) return ref;
      const declared = entities.get(name);
      if (declared !== undefined && budget.left >= declared.length) {
        budget.left -= declared.length;
        // One level only: a declared value's own references are escaped, never expanded again.
        return escapeText(declared.replace(/&#(\d+);|&#x([0-9a-fA-F]+);/g, (_m, d: string, h: string) => String.fromCodePoint(d ? Number(d) : parseInt(h, 16))));
      }
      const decoded = decodeHTML(ref);
      return decoded !== ref ? charRef(decoded) : `&amp;${name};`;
    })
    .replace(/<(?![A-Za-z_/!?])/g, '&lt;');
}

/** The same reference repairs inside quoted attribute values (URLs with a bare "&" are common). */
function repairAttributes(tag: string, entities: ReadonlyMap<string, string>, budget: { left: number }): string {
  if (!tag.includes('&')) return tag;
  return tag.replace(/(=\s*)(?:"([^"]*)"|'([^']*)')/g, (_m, eq: string, dq: string | undefined, sq: string | undefined) =>
    dq !== undefined ? `${eq}"${repairCharacterData(dq, entities, budget).replace(/</g, '&lt;')}"` : `${eq}'${repairCharacterData(sq ?? '', entities, budget).replace(/</g, '&lt;')}'`,
  );
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

const ITEM_END = /<\/(?:[\w.-]+:)?(?:item|entry)\s*>/g;

/** Elements left open at the end of `head`, outermost first (CDATA, comments, PIs skipped). */
function openElements(head: string): Array<{ readonly name: string; readonly at: number }> {
  const stack: Array<{ name: string; at: number }> = [];
  const re = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>|<(\/?)([A-Za-z_][\w.:-]*)(?:\s[^<>]*?)?(\/?)>/g;
  for (let m = re.exec(head); m; m = re.exec(head)) {
    const name = m[2];
    if (!name || m[3] === '/') continue;
    if (m[1] === '/') {
      const at = stack.map((e) => e.name).lastIndexOf(name);
      if (at >= 0) stack.length = at;
    } else {
      stack.push({ name, at: m.index });
    }
  }
  return stack;
}

const isItem = (name: string): boolean => /^(?:[\w.-]+:)?(?:item|entry)$/.test(name);

/**
 * A document whose end is missing (a cut-off download, a lost "</rss>"): drop the incomplete
 * tail, drop an item that was cut in half, and close what is still open. Undefined when the
 * document is complete.
 */
function closeTruncated(xml: string): string | undefined {
  let head = xml.slice(0, xml.lastIndexOf('>') + 1);
  let open = openElements(head);
  if (open.length === 0) return head.length < xml.trimEnd().length ? head : undefined;
  const cutItem = open.find((e) => isItem(e.name));
  if (cutItem) {
    let lastEnd = -1;
    ITEM_END.lastIndex = 0;
    for (let m = ITEM_END.exec(head); m && m.index < cutItem.at; m = ITEM_END.exec(head)) lastEnd = ITEM_END.lastIndex;
    head = head.slice(0, lastEnd > 0 ? lastEnd : cutItem.at);
    open = openElements(head);
  }
  return head + [...open].reverse().map((e) => `</${e.name}>`).join('');
}

/**
 * Make every close tag match: a close tag of an element further up closes the ones left open
 * inside it; a close tag that matches nothing open closes the current element when that holds
 * only text (a typo: `<language>en</langauge>`) and is dropped otherwise.
 */
function balanceTags(xml: string): string {
  const stack: Array<{ name: string; hasChild: boolean }> = [];
  let out = '';
  let last = 0;
  const re = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>|<(\/?)([A-Za-z_][\w.:-]*)(?:\s[^<>]*?)?(\/?)>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const name = m[2];
    if (!name) continue;
    const top = stack[stack.length - 1];
    if (m[1] !== '/') {
      if (top) top.hasChild = true;
      if (m[3] !== '/') stack.push({ name, hasChild: false });
      continue;
    }
    if (top?.name === name) {
      stack.pop();
      continue;
    }
    const at = stack.map((e) => e.name).lastIndexOf(name);
    let replacement: string;
    if (at >= 0) replacement = stack.splice(at).reverse().map((e) => `</${e.name}>`).join('');
    else if (top && !top.hasChild) replacement = `</${stack.pop()?.name ?? ''}>`;
    else replacement = '';
    out += xml.slice(last, m.index) + replacement;
    last = re.lastIndex;
  }
  return last === 0 ? xml : out + xml.slice(last);
}

export interface Repaired {
  readonly xml: string;
  /** What was changed, for logs: "entities", "control-characters", "truncated", "mismatched-tags". */
  readonly repairs: readonly string[];
  /** The strict parser's message that made the repairs necessary. */
  readonly error: string;
}

/** Repairs for a document a strict parser rejected with `error`. */
export function repairXmlText(xml: string, error: string): Repaired {
  const repairs: string[] = [];
  const entities = declaredEntities(xml);
  const budget = { left: Math.max(1 << 20, xml.length) }; // expansion cap: no entity bombs

  let out = '';
  let last = 0;
  const skip = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<!DOCTYPE[^[>]*(?:\[[\s\S]*?\])?\s*>|<[A-Za-z_/?!][^<>]*>/g;
  for (let m = skip.exec(xml); m; m = skip.exec(xml)) {
    const tag = /^<[A-Za-z_]/.test(m[0]) ? repairAttributes(m[0], entities, budget) : m[0];
    out += repairCharacterData(xml.slice(last, m.index), entities, budget) + tag;
    last = skip.lastIndex;
  }
  out += repairCharacterData(xml.slice(last), entities, budget);
  if (out !== xml) repairs.push('entities');

  // eslint-disable-next-line no-control-regex -- the point is to find the characters XML forbids
  const cleaned = out.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
  if (cleaned !== out) repairs.push('control-characters');
  out = cleaned;

  const closed = closeTruncated(out);
  if (closed !== undefined && closed !== out) {
    out = closed;
    repairs.push('truncated');
  }
  const balanced = balanceTags(out);
  if (balanced !== out) {
    out = balanced;
    repairs.push('mismatched-tags');
  }
  return { xml: out, repairs, error };
}
