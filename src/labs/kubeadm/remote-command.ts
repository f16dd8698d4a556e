import { singleQuoted } from '../../exec/errors.js';

/**
 * The command line an ssh server hands to the remote user's shell, built from an argv so that no
 * word of it is ever interpreted there: every word single-quoted (' as '\''), whatever it holds —
 * `$(…)`, `;`, backticks, newlines, `*`, a leading `-` (still one argument to the program).
 */
export function remoteQuote(word: string): string {
  if (word.includes('\0')) throw new Error('a command argument for an ssh host contains a NUL byte, which no remote command can receive');
  return singleQuoted(word);
}

/**
 * Runs the argv with stdin closed and a watcher on the session's stdin: when the ssh client goes
 * (kdrill aborted or timed out and killed it), the session's stdin ends and the command gets
 * SIGTERM, SIGKILL 2 s later. An ssh server kills nothing itself when a session without a terminal
 * closes, and until the remote command ends kdrill's own call would not end either: the master
 * connection holds the client's stdout (ControlMaster passes the client's file descriptors to it).
 * The watcher is the subshell on fd 3; killed once the command ends, it kills nothing then.
 */
const WATCHED = 'exec 3<&0; "$@" </dev/null 3<&- & c=$!; (cat <&3 >/dev/null 2>&1; kill -TERM "$c"; sleep 2; kill -KILL "$c") >/dev/null 2>&1 & w=$!; wait "$c"; r=$?; kill "$w" 2>/dev/null; exit "$r"';

/** The argv with the session's stdin as its own (data to `cat > file`, a value to etcdctl): no watcher. */
const WITH_INPUT = 'exec "$@"';

/** The one remote command line for `argv`: `sh -c '<fixed script>' kdrill '<word>'…`. */
export function remoteCommand(argv: readonly string[], opts: { input?: boolean } = {}): string {
  if (argv.length === 0) throw new Error('remoteCommand: empty argv');
  return ['sh', '-c', opts.input ? WITH_INPUT : WATCHED, 'kdrill', ...argv].map(remoteQuote).join(' ');
}
