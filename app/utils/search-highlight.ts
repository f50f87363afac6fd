// The two private-use characters that mark a search match in a snippet. The server asks SQLite's snippet() to put
// them around matches (and strips them from indexed text); the page splits on them into <mark> elements, so a
// snippet is always rendered as text, never as HTML.
export const HIGHLIGHT_START = '\uE000';
export const HIGHLIGHT_END = '\uE001';
