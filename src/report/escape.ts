/**
 * What a terminal or a CI log receives from a drill (names, titles, messages, command output, file
 * names) goes through here. Control characters, escape sequences and bidi overrides are shown as
 * `\x1b`, `\u202e` …, so a drill cannot clear the screen, set the window title, write the clipboard
 * (OSC 52) or reorder what the reader sees; and no line can become a GitHub workflow command.
 * The journal and report.json are data and keep the true text (JSON escapes it).
 */

// C0, DEL and C1 controls (Cc), format characters such as bidi overrides and zero-width marks (Cf),
// line and paragraph separators (Zl, Zp), lone surrogates (Cs) and the noncharacters U+FFFE, U+FFFF
// (which XML cannot carry either).
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\uFFFE\uFFFF]/gu;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOf(ch: string): string {
  const n = ch.codePointAt(0)!;
  if (NAMED[ch]) return NAMED[ch];
  if (n <= 0xff) return `\\x${n.toString(16).padStart(2, '0')}`;
  if (n <= 0xffff) return `\\u${n.toString(16).padStart(4, '0')}`;
  return `\\u{${n.toString(16)}}`;
}

/** Every control and format character as an escape, but those in `keep` (a tab by default). */
export function showControls(s: string, keep = '\t'): string {
  return s.replace(HIDDEN, (ch) => (keep.includes(ch) ? ch : escapeOf(ch)));
}

/**
 * The GitHub runner reads `::command …::` at the start of a line (after any blanks) and the older
 * `##[command]` anywhere in it; one escaped character takes either apart.
 */
function defuse(line: string): string {
  return line.replace(/^(\s*):(?=:)/, '$1\\x3a').replace(/##\[/g, '##\\x5b');
}

/** One line for a terminal or a CI log: every control character visible, a newline too. */
export function visible(line: string): string {
  return defuse(showControls(line));
}

/** Text whose line breaks are ours (an error with a command's output under it): each line made visible. */
export function visibleLines(text: string): string {
  return text.split(/\r?\n/).map(visible).join('\n');
}
