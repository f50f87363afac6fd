/**
 * Markdown → safe HTML for user-written content (posts, replies, resources).
 *
 * Pipeline: `marked` (GFM, synchronous) turns Markdown into HTML, which may
 * still contain any raw HTML the author typed; `sanitize-html` then rebuilds
 * the document from a strict allow-list. Sanitising the *output* of the
 * Markdown renderer (rather than escaping its input) is what makes this safe:
 * whatever marked emits, only allow-listed tags, attributes and URL schemes
 * reach the page.
 *
 * Why sanitize-html and not DOMPurify: DOMPurify needs a DOM, which on the
 * server means jsdom. Measured on typical (~1 KB) posts, sanitize-html
 * (streaming htmlparser2, no DOM) costs about 0.6 ms a post against about
 * 7 ms for DOMPurify + jsdom, plus jsdom's large dependency tree and memory
 * use (marked itself adds about 0.3 ms).
 * We render and sanitise once, when a post is saved, and store the resulting
 * HTML; pages serve the stored HTML without re-sanitising it. Consequence:
 * if this allow-list is ever tightened, stored HTML must be re-rendered from
 * the stored Markdown (keep the Markdown source as the record of truth).
 * See docs/decisions/002-markdown-sanitiser.md.
 */
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

/** The rel value given to every link in user content. */
export const LINK_REL = 'nofollow noopener ugc';

// A private instance so global `marked.use()` calls elsewhere cannot change
// (or async-ify) this pipeline.
const markdown = new Marked({ async: false, gfm: true, breaks: false });
markdown.use({
  renderer: {
    // GFM task-list items would render an <input type="checkbox">, which the
    // sanitiser drops; keep the state visible as text instead.
    checkbox({ checked }) {
      return checked ? '[x] ' : '[ ] ';
    },
  },
});

function markdownToHtml(md: string): string {
  return markdown.parse(md ?? '', { async: false, gfm: true, breaks: false });
}

/**
 * Disallowed tags whose *content* is dropped as well (for all other disallowed
 * tags only the tag goes and its text is kept). These hold scripts, styles,
 * foreign markup, embedded documents or form controls.
 */
const DROP_WITH_CONTENT = [
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'iframe',
  'frame',
  'frameset',
  'noframes',
  'noembed',
  'object',
  'embed',
  'applet',
  'canvas',
  'audio',
  'video',
  'textarea',
  'select',
  'option',
  'button',
  'xmp',
  'plaintext',
  'title',
  'head',
];

const ALIGN_VALUES = ['left', 'center', 'right'];

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
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
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    ol: ['start'],
    // marked emits align="left|center|right" for GFM table column alignment.
    th: [{ name: 'align', multiple: false, values: ALIGN_VALUES }],
    td: [{ name: 'align', multiple: false, values: ALIGN_VALUES }],
  },
  allowedClasses: {},
  allowedStyles: {},
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  // "//example.org" inherits the page's scheme, which is http(s).
  allowProtocolRelative: true,
  allowVulnerableTags: false,
  disallowedTagsMode: 'discard',
  nonTextTags: DROP_WITH_CONTENT,
  enforceHtmlBoundary: false,
  parseStyleAttributes: false,
  selfClosing: ['br', 'hr'],
  transformTags: {
    // The page owns <h1>; author headings start at h2.
    h1: 'h2',
    h5: 'h4',
    h6: 'h4',
    // Every link: rel forced (any author-supplied rel/target is discarded).
    a: (tagName, attribs) => {
      const out: sanitizeHtml.Attributes = { rel: LINK_REL };
      if (typeof attribs.href === 'string') out.href = attribs.href;
      if (typeof attribs.title === 'string') out.title = attribs.title;
      return { tagName: 'a', attribs: out };
    },
    ol: (tagName, attribs) => {
      const out: sanitizeHtml.Attributes = {};
      if (typeof attribs.start === 'string' && /^\d{1,6}$/.test(attribs.start)) out.start = attribs.start;
      return { tagName: 'ol', attribs: out };
    },
  },
  // A link whose href was rejected (javascript:, data:, …) becomes plain text.
  exclusiveFilter: (frame) => (frame.tag === 'a' && !frame.attribs.href ? 'excludeTag' : false),
  parser: { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
};

/**
 * Renders author Markdown (which may include raw HTML) to sanitised HTML that
 * is safe to insert with `dangerouslySetInnerHTML`.
 */
export function renderMarkdown(md: string): string {
  return (
    sanitizeHtml(markdownToHtml(md), SANITIZE_OPTIONS)
      // Paragraphs left empty once dangerous content was removed. Safe on
      // sanitiser output: text never contains a literal "<", and our <p> has
      // no attributes.
      .replace(/<p>\s*<\/p>\n?/g, '')
  );
}

const TEXT_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [],
  allowedAttributes: {},
  disallowedTagsMode: 'discard',
  nonTextTags: DROP_WITH_CONTENT,
  parser: { decodeEntities: true, lowerCaseTags: true },
};

// Tags after/before which words must not run together once tags are removed.
const BLOCK_BOUNDARY =
  /<\/?(?:p|div|br|hr|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|table|thead|tbody|tfoot|tr|th|td|section|article|header|footer|figure|figcaption)\b[^>]*>/gi;

function decodeBasicEntities(s: string): string {
  // sanitize-html escapes exactly these in text output.
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/**
 * Markdown → plain text for excerpts, search indexes and e-mail previews.
 * Whitespace is collapsed to single spaces. The result is *text*, not HTML:
 * it must be escaped when output (React does this).
 */
export function markdownToPlainText(md: string): string {
  const html = markdownToHtml(md).replace(BLOCK_BOUNDARY, ' $&');
  const text = decodeBasicEntities(sanitizeHtml(html, TEXT_OPTIONS));
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Shortens text to at most `max` characters (code points), cutting at a word
 * boundary where possible and appending "…". Whitespace is collapsed first.
 */
export function excerpt(text: string, max = 200): string {
  const clean = (text ?? '').replace(/\s+/g, ' ').trim();
  const chars = Array.from(clean);
  if (chars.length <= max) return clean;
  if (max <= 1) return '…'.slice(0, Math.max(0, max));
  // Leave room for the ellipsis.
  const head = chars.slice(0, max - 1);
  let cut = head.join('');
  const nextIsBoundary = /\s/.test(chars[max - 1] ?? '');
  if (!nextIsBoundary) {
    const lastSpace = cut.lastIndexOf(' ');
    // Only back off to a word boundary if that keeps a reasonable amount of
    // text; a single enormous "word" (e.g. a URL) is cut mid-word instead.
    if (lastSpace >= Math.floor(cut.length * 0.5)) cut = cut.slice(0, lastSpace);
  }
  cut = cut.replace(/[\s,;:.!?\-–—(\[{'"]+$/u, '');
  return `${cut}…`;
}
