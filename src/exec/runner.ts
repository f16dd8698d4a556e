import { execa } from 'execa';
import { DockerEngine } from './docker/engine.js';
import { CommandError, prettyCommand } from './errors.js';
import { timeoutSignal } from './timer.js';

export interface RunOptions {
  /** Milliseconds; every call has one. */
  timeout?: number;
  signal?: AbortSignal;
  input?: string | Buffer;
  /** Do not throw on a non-zero exit; the result carries the exit code. */
  allowFailure?: boolean;
  env?: Record<string, string>;
  cwd?: string;
  /**
   * For a command whose effect the Docker daemon completes even when its client goes away (create,
   * run, network create, stop, kill…): an abort does not cut it short. It runs to its end (bounded
   * by its timeout) and the abort is reported then, so that what it did is known and can be undone.
   */
  finishOnAbort?: boolean;
}

export interface RunResult {
  argv: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface CommandListener {
  /** `via: 'engine'`: served by the Docker Engine API rather than a docker process (same effect). */
  (event: { argv: readonly string[]; exitCode?: number; durationMs: number; error?: string; via?: 'engine' }): void;
}

interface Outcome {
  exitCode?: number;
  stdout: string;
  stderr: string;
  /** Why it could not start (ENOENT, …) when it did not. */
  startError?: string;
  via?: 'engine';
}

/**
 * The one way kdrill runs a command: argv arrays only (never a shell string), a timeout on every
 * call, stopped when the drill is aborted, output captured. The docker commands the Engine API can
 * serve exactly go to it instead of a process (src/exec/docker): most of a drill's commands.
 */
export class CommandRunner {
  static readonly defaultTimeoutMs = 120_000;
  private listeners: CommandListener[] = [];
  private readonly docker: DockerEngine | undefined;

  /** `docker: null` runs every docker command as a process (KDRILL_DOCKER=cli does the same). */
  constructor(private readonly baseSignal?: AbortSignal, docker?: DockerEngine | null) {
    this.docker = docker === null ? undefined : docker ?? DockerEngine.fromEnv();
  }

  onCommand(listener: CommandListener): void {
    this.listeners.push(listener);
  }

  /** A runner sharing listeners, bound to another abort signal. */
  withSignal(signal: AbortSignal): CommandRunner {
    const child = new CommandRunner(signal, this.docker ?? null);
    child.listeners = this.listeners;
    return child;
  }

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    if (argv.length === 0) throw new Error('CommandRunner.run: empty argv');
    const [file, ...args] = argv as [string, ...string[]];
    const outer = combine(this.baseSignal, opts.signal);
    if (outer?.aborted) throw new CommandError(argv, undefined, '', '', 'aborted');
    const timeout = timeoutSignal(opts.timeout ?? CommandRunner.defaultTimeoutMs);
    const cut = opts.finishOnAbort ? undefined : outer;
    const signal = cut ? AbortSignal.any([cut, timeout]) : timeout;
    const started = performance.now();
    // Input, another environment (DOCKER_HOST…) or folder: only the CLI takes those as given.
    const plain = opts.input === undefined && opts.env === undefined && opts.cwd === undefined;
    const result = (file === 'docker' && plain && (await this.viaEngine(args, signal))) || (await this.spawn(file, args, opts, signal));
    const durationMs = performance.now() - started;
    const { stdout, stderr } = result;
    const exitCode = result.exitCode ?? -1;
    let error: CommandError | undefined;
    if (timeout.aborted) error = new CommandError(argv, undefined, stdout, stderr, 'timeout');
    else if (outer?.aborted) error = new CommandError(argv, undefined, stdout, stderr, 'aborted');
    else if (result.exitCode === undefined) error = new CommandError(argv, undefined, stdout, stderr, 'spawn', result.startError);
    else if (exitCode !== 0 && !opts.allowFailure) error = new CommandError(argv, exitCode, stdout, stderr, 'exit');
    for (const l of this.listeners) l({ argv, exitCode: result.exitCode, durationMs, error: error?.message, ...(result.via ? { via: result.via } : {}) });
    if (error) throw error;
    return { argv, exitCode, stdout, stderr, durationMs };
  }

  /** The Engine API's answer, or undefined when the docker CLI must run the command. */
  private async viaEngine(args: string[], signal: AbortSignal): Promise<Outcome | undefined> {
    if (!this.docker) return undefined;
    try {
      const r = await this.docker.serve(args, signal);
      return r && { ...r, via: 'engine' };
    } catch (err) {
      const detail = signal.aborted ? 'aborted' : `Docker Engine API: ${err instanceof Error ? err.message : String(err)}`;
      return { stdout: '', stderr: '', startError: detail, via: 'engine' };
    }
  }

  private async spawn(file: string, args: string[], opts: RunOptions, signal: AbortSignal): Promise<Outcome> {
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
    try {
      const result = await child;
      const startError = result.failed && result.exitCode === undefined ? (result as { code?: string }).code ?? result.shortMessage : undefined;
      return { exitCode: result.exitCode, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), startError };
    } finally {
      signal.removeEventListener('abort', kill);
    }
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
