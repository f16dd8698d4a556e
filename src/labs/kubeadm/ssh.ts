import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LabError } from '../../engine/errors.js';
import type { CommandRunner, RunResult } from '../../exec/runner.js';
import type { NodeShell, ShellContext } from '../types.js';
import { remoteCommand } from './remote-command.js';

/** How to reach one host: what an inventory line says. */
export interface SshHost {
  /** An address, a DNS name or a Host alias of ~/.ssh/config. */
  host: string;
  port?: number;
  user?: string;
  /** A private key file (used alone: IdentitiesOnly). Else ssh's own choice (config, agent). */
  identityFile?: string;
  /** A known_hosts file of the lab's own. Else the user's, as ssh is configured. */
  knownHostsFile?: string;
  /** `accept-new` only for the lab this project makes for its own tests, into its own known_hosts. */
  hostKeyCheck?: 'yes' | 'accept-new';
  /** A bastion to go through (ssh -J): `user@host:port`, its key from the agent or ~/.ssh/config. */
  jump?: string;
}

/**
 * A host as a place to run commands, through the user's OpenSSH client: ~/.ssh/config, known_hosts
 * and the agent apply as for any ssh the user types. One master connection per host, kept 60 s
 * after its last use (ControlMaster/ControlPersist; the sockets in a private folder), so that a
 * second command costs no handshake. Each remote command is an argv quoted word by word
 * (remote-command.ts); timeouts and abort are the CommandRunner's, and an aborted command is
 * killed on the host too.
 */
export class SshShell implements NodeShell {
  /** Private (0700) folder of the master connections' sockets. */
  private controlDir: string | undefined;

  constructor(private readonly hosts: Readonly<Record<string, SshHost>>) {
    for (const [name, h] of Object.entries(hosts)) {
      if (h.host === '' || h.host.startsWith('-') || /\s/.test(h.host)) throw new LabError(`ssh host of node "${name}": "${h.host}" is not a host name, address or ssh-config alias`);
    }
  }

  /**
   * What an operator types to run `argv` on the host, for --dry-run and errors: `ssh -p 2222
   * root@host -- cat /etc/…`. kdrill's own call adds its connection options and the watcher
   * (remote-command.ts) around the same quoted words.
   */
  argv(node: string, argv: readonly string[]): string[] {
    return [...this.login(node), '--', ...argv];
  }

  async exec(ctx: ShellContext, node: string, argv: readonly string[], opts: { timeoutMs?: number; allowFailure?: boolean; input?: string | Buffer } = {}): Promise<RunResult> {
    // Without input, ssh's stdin stays open until it exits (the runner's pipe): its end is what
    // kills the remote command on abort (remote-command.ts), so never `ssh -n` here.
    const full = [...this.sshArgs(node), remoteCommand(argv, { input: opts.input !== undefined })];
    return ctx.runner.run(full, { signal: ctx.signal, timeout: opts.timeoutMs ?? 60_000, allowFailure: opts.allowFailure, input: opts.input });
  }

  /** `cat > file` on the host, the local file as ssh's stdin (a fixed local `sh -c`, paths as arguments). */
  async copyIn(ctx: ShellContext, node: string, hostPath: string, nodePath: string): Promise<void> {
    const ssh = [...this.sshArgs(node), remoteCommand(['sh', '-c', 'cat > "$1"', 'sh', nodePath], { input: true })];
    await ctx.runner.run(['sh', '-c', 'f=$1; shift; exec "$@" < "$f"', 'sh', hostPath, ...ssh], { signal: ctx.signal, timeout: 120_000 });
  }

  /** `cat file` on the host into the local file, bytes as they are. */
  async copyOut(ctx: ShellContext, node: string, nodePath: string, hostPath: string): Promise<void> {
    const ssh = [...this.sshArgs(node), remoteCommand(['cat', nodePath])];
    await ctx.runner.run(['sh', '-c', 'f=$1; shift; exec "$@" > "$f"', 'sh', hostPath, ...ssh], { signal: ctx.signal, timeout: 120_000 });
  }

  /**
   * Closes one host's master connection: after a power cut it would hang every command on the host
   * until ServerAlive gives up (15 s); the next command opens a fresh one.
   */
  async forget(runner: CommandRunner, node: string): Promise<void> {
    if (!this.controlDir) return;
    await runner.run(this.sshArgs(node, ['-O', 'exit']), { timeout: 5_000, allowFailure: true }).catch(() => undefined);
  }

  /** `ssh <options> <host>` without the remote command, for an operator to paste. */
  login(node: string): string[] {
    const h = this.hosts[node];
    if (!h) throw new LabError(`no ssh host for node "${node}"`);
    // The lab's own known_hosts too: without it a pasted command stops at ssh's host-key question.
    return [
      'ssh', ...(h.jump ? ['-J', h.jump] : []), ...(h.port !== undefined ? ['-p', String(h.port)] : []), ...(h.identityFile ? ['-i', h.identityFile] : []),
      ...(h.knownHostsFile !== undefined ? ['-o', `UserKnownHostsFile=${h.knownHostsFile}`] : []), h.user ? `${h.user}@${h.host}` : h.host,
    ];
  }

  /** Closes the master connections and removes their folder. */
  async close(runner: CommandRunner): Promise<void> {
    if (!this.controlDir) return;
    await Promise.all(
      Object.keys(this.hosts).map((node) =>
        runner.run([...this.sshArgs(node, ['-O', 'exit'])], { timeout: 5_000, allowFailure: true }).catch(() => undefined),
      ),
    );
    rmSync(this.controlDir, { recursive: true, force: true });
    this.controlDir = undefined;
  }

  /** `ssh <options> <host>`, the remote command to follow. */
  private sshArgs(node: string, extra: string[] = []): string[] {
    const h = this.hosts[node];
    if (!h) throw new LabError(`no ssh host for node "${node}" (nodes: ${Object.keys(this.hosts).join(', ')})`);
    this.controlDir ??= mkdtempSync(path.join(tmpdir(), 'kdrill-ssh-'));
    const o = (kv: string) => ['-o', kv];
    return [
      'ssh',
      ...o('BatchMode=yes'),
      ...o('ControlMaster=auto'),
      ...o(`ControlPath=${path.join(this.controlDir, '%C')}`),
      ...o('ControlPersist=60'),
      ...o('ConnectTimeout=10'),
      ...o('ServerAliveInterval=5'),
      ...(h.port !== undefined ? ['-p', String(h.port)] : []),
      ...(h.user !== undefined ? ['-l', h.user] : []),
      ...(h.identityFile !== undefined ? ['-i', h.identityFile, ...o('IdentitiesOnly=yes')] : []),
      ...(h.knownHostsFile !== undefined ? o(`UserKnownHostsFile=${h.knownHostsFile}`) : []),
      ...(h.hostKeyCheck !== undefined ? o(`StrictHostKeyChecking=${h.hostKeyCheck}`) : []),
      ...(h.jump !== undefined ? ['-J', h.jump] : []),
      ...extra,
      h.host,
    ];
  }
}
