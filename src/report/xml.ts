import { showControls } from './escape.js';

/**
 * XML 1.0 cannot carry most control characters at all (not even escaped). Colour codes in command
 * output are noise in a test report: they are dropped. Any other control or format character (a bell,
 * an OSC sequence, a bidi override) is shown as an escape, as on the terminal; line breaks and tabs stay.
 */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001B\[[0-9;?]*[ -/]*[@-~]/g;

export function xmlText(s: string): string {
  return showControls(s.replace(ANSI, ''), '\n\r\t').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

/** `name="value"` pairs, skipping undefined values. */
export function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}
