import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../../functions/core/html-text';
import { removeBoilerplate } from '../../../functions/core/boilerplate';

describe('htmlToText', () => {
  it('keeps paragraphs and list items as lines and decodes entities', () => {
    const html = '<p>Tirana &amp; Durr&euml;s&nbsp;agree.</p><ul><li>One</li><li>Two &#8211; more</li></ul><p>End</p>';
    expect(htmlToText(html)).toBe('Tirana & Durrës agree.\n\n• One\n• Two – more\n\nEnd');
  });

  it('drops scripts, styles and iframes with their content', () => {
    const html = '<p>Before</p><script>var x = "<p>no</p>";</script><style>p{}</style><iframe src="x">frame</iframe><p>After</p>';
    expect(htmlToText(html)).toBe('Before\n\nAfter');
  });

  it('turns <br> into a line break and collapses spaces', () => {
    expect(htmlToText('<div>a   b<br/>c\n\n d</div>')).toBe('a b\nc d');
  });
});

describe('removeBoilerplate', () => {
  it('removes WordPress footers, continue-reading and see-also lines and an empty trailing Sources heading', () => {
    const text = [
      'Real first paragraph.',
      '',
      'See also Balkans on Edge: Political Unrest',
      '',
      'Second paragraph. Read more',
      '',
      'The post Something happened appeared first on Some Site.',
      '',
      'Continue reading →',
      '',
      'Sources',
    ].join('\n');
    expect(removeBoilerplate(text)).toBe('Real first paragraph.\n\nSecond paragraph.');
  });

  it('keeps a "Sources" line that is followed by content', () => {
    expect(removeBoilerplate('Sources\nsaid the talks would resume.')).toBe('Sources\nsaid the talks would resume.');
  });
});
