import { decodeHTML } from 'entities';

/**
 * HTML to plain text in one pass over the markup, without building a DOM.
 * Block elements end a line, list items become "• item" lines, <br> breaks a line,
 * script/style/iframe/... are dropped with their content, entities are decoded and
 * runs of spaces collapse. Paragraphs are separated by one blank line.
 *
 * @example htmlToText('<p>A &amp; B</p><ul><li>one</li></ul>') // "A & B\n\n• one"
 */

const DROP_WITH_CONTENT = new Set([
  'script', 'style', 'iframe', 'noscript', 'template', 'svg', 'math', 'object', 'embed',
  'head', 'title', 'button', 'select', 'textarea', 'form', 'canvas', 'video', 'audio', 'figcaption',
]);

const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'header', 'footer', 'aside', 'nav', 'main', 'blockquote',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'dl', 'dt', 'dd', 'table', 'tr', 'pre',
  'figure', 'hr', 'address', 'details', 'summary', 'center',
]);

// A tag (attribute values may hold ">"), a comment, a CDATA section, a declaration or a PI.
const TAG = /<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>|<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[([\s\S]*?)\]\]>|<![^>]*>|<\?[^>]*>/g;

/** Invisible characters that only get in the way of matching and reading: soft hyphen, zero-width space/joiners, BOM. */
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;

export function htmlToText(html: string): string {
  const parts: string[] = [];
  let dropping: string | null = null;
  let dropDepth = 0;
  let last = 0;

  const pushText = (raw: string): void => {
    if (dropping || !raw) return;
    parts.push(decodeHTML(raw).replace(INVISIBLE, '').replace(/[\s\u00a0]+/g, ' '));
  };

  for (let m = TAG.exec(html); m; m = TAG.exec(html)) {
    pushText(html.slice(last, m.index));
    last = TAG.lastIndex;
    const cdata = m[5];
    if (cdata !== undefined) {
      if (!dropping) parts.push(cdata.replace(/[\s\u00a0]+/g, ' '));
      continue;
    }
    const qualified = m[2]?.toLowerCase();
    if (!qualified) continue; // comment, doctype, processing instruction
    const name = qualified.slice(qualified.indexOf(':') + 1); // xhtml:p is p
    const closing = m[1] === '/';
    const selfClosing = m[4] === '/';

    if (dropping) {
      if (name === dropping) dropDepth += closing ? -1 : selfClosing ? 0 : 1;
      if (dropDepth === 0) dropping = null;
      continue;
    }
    if (DROP_WITH_CONTENT.has(name)) {
      if (!closing && !selfClosing) {
        dropping = name;
        dropDepth = 1;
      }
      continue;
    }
    if (name === 'br') parts.push('\n');
    else if (name === 'li') parts.push(closing ? '\n' : '\n\u2022 ');
    else if (name === 'td' || name === 'th') parts.push(closing ? ' ' : '');
    else if (BLOCK.has(name)) parts.push('\n\n');
  }
  pushText(html.slice(last));
  return tidyLines(parts.join(''));
}

/** Trim each line, drop empty bullets, and keep at most one blank line between blocks. */
export function tidyLines(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim());
  const out: string[] = [];
  for (const line of lines) {
    if (line === '\u2022') continue;
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  // List items written as consecutive lines: no blank line between bullets.
  return out
    .filter((line, i) => !(line === '' && out[i - 1]?.startsWith('\u2022 ') && out[i + 1]?.startsWith('\u2022 ')))
    .join('\n');
}

/** True when the string contains markup worth converting (as opposed to plain text). */
export function looksLikeHtml(text: string): boolean {
  return /<\/?[a-zA-Z][\w:-]*(\s[^>]*)?\/?>|&(#\d+|#x[0-9a-f]+|[a-z]+\d*);/i.test(text);
}
