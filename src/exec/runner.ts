import { execa } from 'execa';
import { CommandError, prettyCommand } from './errors.js';

export interface RunOptions {
  /** Milliseconds; every call has one. */
  timeout?: number;
  signal?: AbortSignal;
  input?: string | Buffer;
  /** Do not throw on a non-zero exit; the result carries the exit code. */
  allowFailure?: boolean;
  env?: Record<string, string>;
  cwd?: string;
}

export interface RunResult {
  argv: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface CommandListener {
  (event: { argv: readonly string[]; exitCode?: number; durationMs: number; error?: string }): void;
}

/**
 * The one way kdrill starts a process: argv arrays only (never a shell string), a timeout on every
 * call, killed when the drill is aborted, output captured.
 */
export class CommandRunner {
  static readonly defaultTimeoutMs = 120_000;
  private listeners: CommandListener[] = [];

  constructor(private readonly baseSignal?: AbortSignal) {}

  onCommand(listener: CommandListener): void {
    this.listeners.push(listener);
  }

  /** A runner sharing listeners, bound to another abort signal. */
  withSignal(signal: AbortSignal): CommandRunner {
    const child = new CommandRunner(signal);
    child.listeners = this.listeners;
    return child;
  }

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    if (argv.length === 0) throw new Error('CommandRunner.run: empty argv');
    const [file, ...args] = argv as [string, ...string[]];
    const outer = combine(this.baseSignal, opts.signal);
    if (outer?.aborted) throw new CommandError(argv, undefined, '', '', 'aborted');
    const timeout = AbortSignal.timeout(opts.timeout ?? CommandRunner.defaultTimeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    const started = performance.now();
    const child = execa(file, args, {
      input: opts.input,
      reject: false,
      env: opts.env,
      cwd: opts.cwd,
      stripFinalNewline: false,
      // Own process group: a terminal Ctrl-C must not kill the restore's commands, and on abort
      // the whole group is killed (a `sh -c` and its children, not just the shell).
      detached: true,
      maxBuffer: 256 * 1024 * 1024,
    });
    const kill = () => killGroup(child.pid);
    signal.addEventListener('abort', kill, { once: true });
    let result;
    try {
      result = await child;
    } finally {
      signal.removeEventListener('abort', kill);
    }
    const durationMs = performance.now() - started;
    const stdout = String(result.stdout ?? '');
    const stderr = String(result.stderr ?? '');
    const exitCode = result.exitCode ?? -1;
    let error: CommandError | undefined;
    if (timeout.aborted) error = new CommandError(argv, undefined, stdout, stderr, 'timeout');
    else if (outer?.aborted) error = new CommandError(argv, undefined, stdout, stderr, 'aborted');
    else if (result.failed && result.exitCode === undefined) {
      error = new CommandError(argv, undefined, stdout, stderr, 'spawn', (result as { code?: string }).code ?? result.shortMessage);
    } else if (exitCode !== 0 && !opts.allowFailure) {
      error = new CommandError(argv, exitCode, stdout, stderr, 'exit');
    }
    for (const l of this.listeners) l({ argv, exitCode: result.exitCode, durationMs, error: error?.message });
    if (error) throw error;
    return { argv, exitCode, stdout, stderr, durationMs };
  }
}

/** SIGTERM to the child's process group, SIGKILL two seconds later if anything is left. */
function killGroup(pid: number | undefined): void {
  if (!pid) return;
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  send('SIGTERM');
  setTimeout(() => send('SIGKILL'), 2_000).unref();
}

function combine(a?: AbortSignal, b?: AbortSignal): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

export { prettyCommand };
