/** Quote one argv element so the printed command can be pasted into a POSIX shell. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_\-+=/.,:@%^]+$/.test(arg)) return arg;
  return singleQuoted(arg);
}

/** One word for a POSIX shell, whatever it holds: single-quoted, each ' as '\''. */
export const singleQuoted = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`;

export function prettyCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * A command that exited non-zero, timed out or was aborted. Like kind's RunError, it carries the
 * exact command line (paste-able) and what the command printed.
 */
export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly exitCode: number | undefined,
    readonly stdout: string,
    readonly stderr: string,
    readonly reason: 'exit' | 'timeout' | 'aborted' | 'spawn',
    detail?: string,
  ) {
    const cmd = prettyCommand(argv);
    const why =
      reason === 'exit' ? `exited with code ${exitCode}`
      : reason === 'timeout' ? 'timed out'
      : reason === 'aborted' ? 'was aborted'
      : detail === 'ENOENT' ? `could not start: "${argv[0]}" is not installed or not on PATH`
      : `could not start${detail ? ` (${detail})` : ''}`;
    const out = (stderr || stdout).trim();
    super(`command ${why}: ${cmd}${out ? `\n${indent(tail(out, 40))}` : ''}`);
    this.name = 'CommandError';
  }

  get command(): string {
    return prettyCommand(this.argv);
  }
}

function tail(text: string, lines: number): string {
  const all = text.split('\n');
  return all.length <= lines ? text : ['…', ...all.slice(-lines)].join('\n');
}

function indent(text: string): string {
  return text.split('\n').map((l) => `    ${l}`).join('\n');
}
