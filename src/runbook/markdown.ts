import { showControls } from '../report/escape.js';

/**
 * Markdown that text from a drill cannot break: a step name cannot open a heading or a link, a key
 * cannot close the code block it is shown in, a value cannot add a column to a table. Control and
 * format characters are shown as escapes (`\x1b`, `\u202e`), as on a terminal.
 */

const longestRun = (s: string, ch: string): number => Math.max(0, ...(s.match(new RegExp(`${ch}+`, 'g')) ?? []).map((r) => r.length));

/** Prose: every character Markdown (or inline HTML) reads as syntax is escaped; line breaks become spaces. */
export function text(s: string): string {
  const flat = showControls(s.replace(/\s*\r?\n\s*/g, ' '), '');
  return flat
    .replace(/[\\`*_[\]<>|~#&!{}]/g, (c) => `\\${c}`)
    // A list marker where the text starts (it follows our own "- " or a heading): "1. " or "- ".
    .replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2')
    .replace(/^(\s*)([-+])(?=\s|$)/, '$1\\$2');
}

/** An inline code span that holds any text: fenced with one backtick more than the text's longest run. */
export function code(s: string): string {
  const flat = showControls(s, '');
  const ticks = '`'.repeat(longestRun(flat, '`') + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A fenced code block that no line of `lines` can close: the fence is longer than any backtick run in them. */
export function fence(lines: string[], lang = ''): string[] {
  const body = lines.map((l) => showControls(l));
  const ticks = '`'.repeat(Math.max(3, longestRun(body.join('\n'), '`') + 1));
  return [`${ticks}${lang}`, ...body, ticks];
}

/**
 * A table of cells already made Markdown by text() (never code() with text from a drill or a run:
 * a pipe in a code span would still split the row, and a backslash before it is read differently
 * by different renderers).
 */
export function table(head: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), `|${head.map(() => ' --- |').join('')}`, ...rows.map(line)];
}
