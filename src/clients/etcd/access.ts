import type { CommandRunner, RunResult } from '../../exec/runner.js';
import { GrpcCalls, type MemberCalls, type MemberInfo, type MemberStatus } from './calls.js';
import { connectEtcd, DEFAULT_DEADLINE_MS, etcdErrorMessage, type EtcdClient, type EtcdTls } from './client.js';
import { ExecCalls, type EtcdctlHost, type ExecContext } from './etcdctl.js';

/**
 * The one etcd access of kdrill: invariants, probes and maintenance all go through it, over one of
 * two transports: gRPC with mTLS to each member's client URL (one cached client per member: etcd3
 * with several hosts would send "defragment this member" to a random one; fault handling off), or
 * etcdctl run inside each member's node (EtcdctlHost). A deadline on every call.
 */

/** One etcd member as kdrill reaches it. */
export interface EtcdMember {
  /** The drill's node name: control-plane2. */
  node: string;
  /** The container (or host) it runs on; kubeadm names the member after it. */
  container: string;
  /** https://<node-ip>:2379 */
  url: string;
  /** A DNS name in the member's server cert (the node name), used as TLS server name. */
  serverName?: string;
}

export type { MemberStatus, MemberInfo };

/** A member's answer, or why it did not answer within the deadline. */
export type MemberProbe = { node: string; ok: true; status: MemberStatus; latencyMs: number } | { node: string; ok: false; error: string; latencyMs: number };

/** The statuses of the members that answered. */
export const answered = (probes: MemberProbe[]): MemberStatus[] => probes.flatMap((p) => (p.ok ? [p.status] : []));

export const describeProbes = (probes: MemberProbe[]): string =>
  probes.map((p) => (p.ok ? `${p.node}: ${p.status.leader ? 'leader' : `leader ${p.status.leaderId}`}` : `${p.node}: ${p.error}`)).join('; ');

/** etcd tools that run where the lab's etcd binaries are (a node, or a throwaway container of the lab's image). */
export interface EtcdTools {
  /** `etcdctl snapshot status <file> -w json` (or etcdutl's) on a host file. */
  snapshotStatus(ctx: { runner: CommandRunner; signal: AbortSignal }, file: string): Promise<RunResult>;
  planSnapshotStatus(file: string): string[];
}

/** What a lab hands to its etcd access: its members, its tools, and how to reach each member. */
export interface EtcdSource {
  members(): EtcdMember[];
  tools: EtcdTools;
  /** gRPC: the client certificates (undefined for a plain-HTTP etcd). */
  tls?(): Promise<EtcdTls | undefined>;
  /** exec: etcdctl inside a member's node, with the lab's runner. */
  etcdctl?: { host: EtcdctlHost; env(): ExecContext };
}

export type EtcdTransport = 'grpc' | 'exec';

/** The lab capability `etcd`. */
export class EtcdAccess {
  private clients = new Map<string, Promise<EtcdClient>>();
  private memberIds = new Map<string, string>();

  private via: EtcdTransport;

  constructor(private readonly source: EtcdSource, transport: EtcdTransport = 'grpc') {
    this.via = this.checked(transport);
  }

  private checked(transport: EtcdTransport): EtcdTransport {
    if (transport === 'grpc' && !this.source.tls) throw new Error('etcd over gRPC needs the client certificates');
    if (transport === 'exec' && !this.source.etcdctl) throw new Error('etcd through the node needs a way to run etcdctl there');
    return transport;
  }

  get transport(): EtcdTransport {
    return this.via;
  }

  /** Chosen once the lab is up (kubeadm's `etcdAccess: auto`: gRPC where the members' client URLs answer). */
  async use(transport: EtcdTransport): Promise<void> {
    if (transport === this.via) return;
    this.via = this.checked(transport);
    await this.close();
  }

  get tools(): EtcdTools {
    return this.source.tools;
  }

  /** Every member the lab has, in node order (stopped ones included). */
  members(): EtcdMember[] {
    return this.source.members();
  }

  /** A member by node or container name. */
  member(node: string): EtcdMember {
    const m = this.members().find((x) => x.node === node || x.container === node);
    if (!m) throw new Error(`no etcd member on node "${node}" (members: ${this.members().map((x) => x.node).join(', ')})`);
    return m;
  }

  /** The cached gRPC client of one member (a member that moved to another URL gets a new one). */
  client(node: string): Promise<EtcdClient> {
    const { url, serverName } = this.member(node);
    const key = `${node} ${url}`;
    let c = this.clients.get(key);
    if (!c) {
      c = this.grpcTls().then((tls) => connectEtcd(url, tls, serverName));
      c.catch(() => this.clients.delete(key));
      this.clients.set(key, c);
    }
    return c;
  }

  private grpcTls(): Promise<EtcdTls | undefined> {
    if (this.transport !== 'grpc' || !this.source.tls) return Promise.reject(new Error('this lab reaches etcd through its nodes (etcdctl), not over gRPC'));
    return this.source.tls();
  }

  /** A new gRPC client of one member, owned (and closed) by the caller, e.g. a probe. */
  async newClient(node: string): Promise<EtcdClient> {
    const { url, serverName } = this.member(node);
    return connectEtcd(url, await this.grpcTls(), serverName);
  }

  /** Closes a member's cached client: the way to cancel its calls in flight (grpc calls take no signal). */
  drop(node: string): void {
    for (const [key, c] of this.clients) {
      if (key.startsWith(`${node} `)) {
        this.clients.delete(key);
        void c.then((x) => x.close(), () => undefined);
      }
    }
  }

  /** Runs `fn` with one member's calls; an abort cancels them (gRPC: closes the member's client; exec: kills etcdctl). */
  async with<T>(node: string, fn: (m: MemberCalls) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.transport === 'exec') {
      const { host, env } = this.source.etcdctl!;
      const e = env();
      return fn(new ExecCalls(host, node, { runner: e.runner, signal: signal ?? e.signal }));
    }
    const calls = new GrpcCalls(node, await this.client(node));
    const onAbort = () => this.drop(node);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn(calls);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async status(node: string, deadlineMs = DEFAULT_DEADLINE_MS): Promise<MemberProbe> {
    const started = performance.now();
    try {
      const status = await this.with(node, (m) => m.status(deadlineMs));
      this.memberIds.set(status.memberId, node);
      return { node, ok: true, latencyMs: performance.now() - started, status };
    } catch (err) {
      return { node, ok: false, error: etcdErrorMessage(err), latencyMs: performance.now() - started };
    }
  }

  /** Status of every member, in parallel. */
  statusAll(deadlineMs = DEFAULT_DEADLINE_MS): Promise<MemberProbe[]> {
    return Promise.all(this.members().map((e) => this.status(e.node, deadlineMs)));
  }

  /** The member list as the first member that answers sees it. */
  async memberList(deadlineMs = DEFAULT_DEADLINE_MS): Promise<{ from: string; members: MemberInfo[] }> {
    const errors: string[] = [];
    for (const e of this.members()) {
      try {
        const members = await this.with(e.node, (m) => m.memberList(deadlineMs));
        for (const m of members) {
          const node = this.members().find((x) => m.clientURLs.includes(x.url) || m.name === x.container)?.node;
          if (node) this.memberIds.set(m.id, node);
        }
        return { from: e.node, members };
      } catch (err) {
        errors.push(`${e.node}: ${etcdErrorMessage(err)}`);
      }
    }
    throw new Error(`no member answered the member list: ${errors.join('; ')}`);
  }

  /** Node of a member ID, if it is one of the lab's. */
  async nodeOfMember(memberId: string): Promise<string | undefined> {
    if (!this.memberIds.has(memberId)) await this.memberList().catch(() => undefined);
    return this.memberIds.get(memberId);
  }

  /** etcd member names are the node containers' names (kubeadm: the node name). */
  nodeOfName(name: string): string {
    return this.members().find((m) => m.container === name || m.node === name)?.node ?? name;
  }

  /** A snapshot of one member, to a host file. */
  snapshot(node: string, file: string, signal?: AbortSignal): Promise<{ bytes: number; revision?: number }> {
    return this.with(node, (m) => m.snapshot(file), signal);
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    for (const c of all) (await c.catch(() => undefined))?.close();
  }
}
