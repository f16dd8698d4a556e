import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import type { CommandRunner, RunResult } from '../../exec/runner.js';
import { connectEtcd, DEFAULT_DEADLINE_MS, etcdErrorMessage, within, type EtcdClient, type EtcdTls } from './client.js';

/**
 * The one etcd access of kdrill: invariants, probes and maintenance all go through it. One cached
 * client per member (etcd3 with several hosts would send "defragment this member" to a random one),
 * fault handling off, a deadline on every call.
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

/** What one member says about itself (`etcdctl endpoint status`). 64-bit numbers as numbers. */
export interface MemberStatus {
  node: string;
  memberId: string;
  leaderId: string;
  /** It names itself leader. */
  leader: boolean;
  clusterId: string;
  revision: number;
  raftTerm: number;
  raftIndex: number;
  dbSize: number;
  dbSizeInUse: number;
  version: string;
  errors: string[];
}

/** A member's answer, or why it did not answer within the deadline. */
export type MemberProbe = { node: string; ok: true; status: MemberStatus; latencyMs: number } | { node: string; ok: false; error: string; latencyMs: number };

export interface MemberInfo { id: string; name: string; peerURLs: string[]; clientURLs: string[] }

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

/** What a lab hands to its etcd access: its members, the client certificates and its tools. */
export interface EtcdSource {
  members(): EtcdMember[];
  /** Client certificates; undefined for a plain-HTTP etcd. */
  tls(): Promise<EtcdTls | undefined>;
  tools: EtcdTools;
}

export type EtcdTransport = 'grpc' | 'exec';

/** The lab capability `etcd`. */
export class EtcdAccess {
  readonly transport: EtcdTransport = 'grpc';
  private clients = new Map<string, Promise<EtcdClient>>();
  private memberIds = new Map<string, string>();

  constructor(private readonly source: EtcdSource) {}

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

  /** The cached client of one member (a member that moved to another URL gets a new one). */
  client(node: string): Promise<EtcdClient> {
    const { url, serverName } = this.member(node);
    const key = `${node} ${url}`;
    let c = this.clients.get(key);
    if (!c) {
      c = this.source.tls().then((tls) => connectEtcd(url, tls, serverName));
      c.catch(() => this.clients.delete(key));
      this.clients.set(key, c);
    }
    return c;
  }

  /** A new client of one member, owned (and closed) by the caller, e.g. a probe. */
  async newClient(node: string): Promise<EtcdClient> {
    const { url, serverName } = this.member(node);
    return connectEtcd(url, await this.source.tls(), serverName);
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

  /** Runs `fn` with one member's client; an abort closes that client, which cancels the call. */
  async with<T>(node: string, fn: (c: EtcdClient) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    const client = await this.client(node);
    const onAbort = () => this.drop(node);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn(client);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async status(node: string, deadlineMs = DEFAULT_DEADLINE_MS): Promise<MemberProbe> {
    const started = performance.now();
    try {
      const s = await (await this.client(node)).maintenance.status(within(deadlineMs));
      const memberId = s.header.member_id;
      this.memberIds.set(memberId, node);
      const status: MemberStatus = {
        node, memberId, leaderId: s.leader, leader: s.leader === memberId, clusterId: s.header.cluster_id,
        revision: Number(s.header.revision), raftTerm: Number(s.raftTerm), raftIndex: Number(s.raftIndex),
        dbSize: Number(s.dbSize), dbSizeInUse: Number((s as { dbSizeInUse?: string }).dbSizeInUse ?? s.dbSize),
        version: s.version, errors: (s as { errors?: string[] }).errors ?? [],
      };
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
        const r = await (await this.client(e.node)).cluster.memberList({}, within(deadlineMs));
        const members = r.members.map((m) => ({ id: m.ID, name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs }));
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

  /**
   * Streams a snapshot from one member to `file` (written to `file.part`, renamed when complete,
   * like etcdctl). Returns the revision of the first header: the point in time of the snapshot.
   */
  async snapshot(node: string, file: string, signal?: AbortSignal): Promise<{ bytes: number; revision?: number }> {
    return this.with(node, async (c) => {
      const part = `${file}.part`;
      const out = createWriteStream(part, { mode: 0o600 });
      const stream = await c.maintenance.snapshot();
      let bytes = 0;
      let revision: number | undefined;
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (chunk: { header?: { revision?: string }; blob: Buffer }) => {
          if (revision === undefined && chunk.header?.revision) revision = Number(chunk.header.revision);
          bytes += chunk.blob.length;
          out.write(chunk.blob);
        });
        stream.on('error', reject);
        out.on('error', reject);
        stream.on('end', () => out.end(resolve));
      });
      await rename(part, file);
      return { bytes, revision };
    }, signal);
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    for (const c of all) (await c.catch(() => undefined))?.close();
  }
}
