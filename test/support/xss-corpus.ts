// The XSS corpus and the structural checker of test/unit/markdown.test.ts, shared so other save paths (case
// studies, and later posts and resources) can run the same vectors through their own code and check what they store.
// The unit test keeps its own copy for now; it can import these instead.
import { Parser } from 'htmlparser2';
import { expect } from 'vitest';
import { LINK_REL } from '../../app/utils/markdown.server';

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
export function assertSafe(html: string, { payloadVisibleAsText = false } = {}): void {
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

export interface Vector {
  name: string;
  input: string;
  payloadVisibleAsText?: boolean;
}

export const XSS_VECTORS: Vector[] = [
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
