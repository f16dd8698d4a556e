import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { LabError } from '../../engine/errors.js';
import { dockerHostKind, type DockerHostInfo } from '../docker/host.js';
import { ETCD_CLIENT_PORT } from '../kubeadm-layout.js';

/**
 * How kdrill reaches the etcd lab's members (`etcdAccess`): gRPC to each member's IP on the lab
 * network (direct), gRPC to each member's client port published on 127.0.0.1 (published: Docker
 * Desktop, rootless docker), or etcdctl inside each member's node (exec). `auto` picks direct where
 * the members' IPs answer, published otherwise, once the members' containers are up.
 */

export type EtcdAccessSetting = 'auto' | 'direct' | 'published' | 'exec';
export type EtcdAccessMode = Exclude<EtcdAccessSetting, 'auto'>;

/** A TCP connection to a member's client port: made, or why not. */
export type Reach = { ok: true; target: string } | { ok: false; target: string; error: string };

export interface AccessChoice {
  mode: EtcdAccessMode;
  /** Why, in the operator's words, for the run log. */
  why: string;
}

/** The choice that needs no probe: a setting other than auto, or a docker host whose container IPs are never routed here. */
export function accessWithoutProbe(setting: EtcdAccessSetting, host: DockerHostInfo): AccessChoice | undefined {
  if (setting !== 'auto') return { mode: setting, why: `etcdAccess: ${setting}` };
  if (host.kind === 'desktop' || host.kind === 'vm' || host.kind === 'rootless') {
    return { mode: 'published', why: `${host.words}: container IPs are not reachable from this machine` };
  }
  return undefined;
}

/** auto on a native or remote engine: the probe of the members' IPs decides. */
export function accessFromProbe(reach: Reach, host: DockerHostInfo): AccessChoice {
  if (reach.ok) return { mode: 'direct', why: `${reach.target} answers` };
  if (host.kind === 'remote') {
    throw new LabError(
      `the etcd lab's members cannot be reached from this machine: ${host.words}, its members' IPs do not answer here ` +
        `(${reach.target}: ${reach.error}) and ports it publishes are on its own loopback: set etcdAccess: exec in the lab ` +
        '(etcdctl through docker exec; the etcd.writes probe needs gRPC and is refused there)',
    );
  }
  return { mode: 'published', why: `node IPs not reachable: ${reach.target}: ${reach.error}` };
}

/** One TCP connect with a deadline. */
export function connect(host: string, port: number, timeoutMs: number): Promise<Reach> {
  const target = `${host}:${port}`;
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (r: Reach) => { socket.destroy(); resolve(r); };
    socket.setTimeout(timeoutMs, () => done({ ok: false, target, error: `no answer within ${timeoutMs} ms` }));
    socket.once('connect', () => done({ ok: true, target }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ ok: false, target, error: err.code ?? err.message }));
  });
}

/**
 * Whether any of the members' IPs takes a TCP connection on the client port. A refused connection
 * is asked again (until `budgetMs`): a member just started may not listen yet. When every member
 * fails otherwise (no route, host unreachable, no answer), that is the answer at once: the IPs are
 * not reachable from here.
 */
export async function probeIps(ips: string[], port: number, signal: AbortSignal, o: { attemptMs?: number; budgetMs?: number; dial?: typeof connect } = {}): Promise<Reach> {
  const { attemptMs = 300, budgetMs = 2_000, dial = connect } = o;
  const end = performance.now() + budgetMs;
  for (;;) {
    const tries = await Promise.all(ips.map((ip) => dial(ip, port, attemptMs)));
    const answered = tries.find((t) => t.ok);
    if (answered) return answered;
    const refused = tries.some((t) => !t.ok && t.error === 'ECONNREFUSED');
    if (!refused || performance.now() > end) return tries.find((t) => !t.ok && t.error !== 'ECONNREFUSED') ?? tries[0]!;
    await delay(50, undefined, { signal });
  }
}

/** The access to use, once the members' containers run (their IPs probed only when the setting and the docker host leave it open). */
export async function chooseAccess(setting: EtcdAccessSetting, ips: string[], signal: AbortSignal, host = dockerHostKind()): Promise<AccessChoice> {
  return accessWithoutProbe(setting, host) ?? accessFromProbe(await probeIps(ips, ETCD_CLIENT_PORT, signal), host);
}

/** The choice as --dry-run says it. */
export function planAccess(setting: EtcdAccessSetting, host = dockerHostKind()): string {
  const known = accessWithoutProbe(setting, host);
  if (known) return `${known.mode} (${known.why})`;
  return `auto: direct if a TCP connect to a member's IP on :${ETCD_CLIENT_PORT} answers, else published (${host.words})`;
}
