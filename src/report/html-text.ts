import { showControls } from './escape.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text from a drill or a command, for report.html, in an element or in a quoted attribute alike.
 * The five characters HTML gives a meaning are entities, so nothing becomes a tag, an attribute or
 * a character reference. HTML cannot carry most control characters (NUL becomes U+FFFD, others are
 * parse errors) and a bidi override would reorder what the reader sees: every control and format
 * character is shown as an escape (`\x1b`, `\u202e`), as on the terminal (escape.ts); colour codes
 * are dropped, as in junit.xml. Line breaks and tabs stay (a <pre> shows them).
 */
export function html(s: string | number | boolean | undefined): string {
  if (s === undefined) return '';
  return showControls(String(s).replace(ANSI, '').replace(/\r\n/g, '\n'), '\n\t').replace(/[&<>"']/g, (c) => ENTITY[c]!);
}
