import { prettyCommand } from '../exec/errors.js';

/**
 * A command line for an operator to paste, from an argv: every word quoted for a POSIX shell, but
 * the words given in `raw` (a `$FOLLOWER`, a `"$i"` of a loop), which the operator's shell expands.
 * A raw word is written in the argv as its placeholder, `@@name@@` (a word shellQuote leaves alone).
 */
export function sh(argv: readonly string[], raw: Record<string, string> = {}): string {
  let line = prettyCommand(argv);
  for (const [name, value] of Object.entries(raw)) line = line.replaceAll(`@@${name}@@`, value);
  return line;
}

export const slot = (name: string): string => `@@${name}@@`;
