import type { IMember } from 'etcd3';
import { connectEtcd, DEFAULT_DEADLINE_MS, etcdErrorMessage, within, type EtcdClient, type EtcdTls } from './client.js';

/** One etcd member as kdrill reaches it: the lab's node name and the member's client URL. */
export interface EtcdEndpoint {
  node: string;
  url: string;
  /** A DNS name in the member's server cert (the node name), used as TLS server name. */
  serverName?: string;
}

/** What one member says about itself (`etcdctl endpoint status`). 64-bit numbers as numbers. */
export interface MemberStatus {
  node: string;
  memberId: string;
  leaderId: string;
  raftTerm: number;
  raftIndex: number;
  dbSize: number;
  version: string;
  errors: string[];
}

/** A member's answer, or why it did not answer within the deadline. */
export type MemberProbe = { node: string; ok: true; status: MemberStatus; latencyMs: number } | { node: string; ok: false; error: string; latencyMs: number };

/**
 * The lab capability 'etcd' (`lab.get<EtcdAccess>('etcd')`): every lab that runs etcd (the etcd lab,
 * kind) offers it. Per-member calls go through one client per endpoint (etcd3 would otherwise
 * send them to a random host).
 */
export interface EtcdAccess {
  /** Every member the lab has, in node order (stopped ones included). */
  endpoints(): EtcdEndpoint[];
  /** The cached client of one member's endpoint. */
  client(node: string): Promise<EtcdClient>;
  /** A new client of one member, owned (and closed) by the caller, e.g. a probe. */
  newClient(node: string): Promise<EtcdClient>;
  status(node: string, deadlineMs?: number): Promise<MemberProbe>;
  /** Status of every member, in parallel. */
  statusAll(deadlineMs?: number): Promise<MemberProbe[]>;
  /** The member list as the first member that answers sees it. */
  memberList(deadlineMs?: number): Promise<{ from: string; members: IMember[] }>;
  /** Node of a member ID, if it is one of the lab's. */
  nodeOfMember(memberId: string): Promise<string | undefined>;
  close(): Promise<void>;
}

/**
 * EtcdAccess over mTLS to each member's client URL. The lab supplies the endpoints and the client
 * certificates (copied out of a control-plane node); kind reuses it with its own.
 */
export class TlsEtcdAccess implements EtcdAccess {
  private clients = new Map<string, Promise<EtcdClient>>();
  private memberIds = new Map<string, string>();

  constructor(private readonly source: { endpoints(): EtcdEndpoint[]; tls(): Promise<EtcdTls> }) {}

  endpoints(): EtcdEndpoint[] {
    return this.source.endpoints();
  }

  private endpoint(node: string): EtcdEndpoint {
    const e = this.endpoints().find((x) => x.node === node);
    if (!e) throw new Error(`no etcd member on node ${node} (members: ${this.endpoints().map((x) => x.node).join(', ')})`);
    return e;
  }

  client(node: string): Promise<EtcdClient> {
    const { url, serverName } = this.endpoint(node);
    const key = `${node} ${url}`;
    let c = this.clients.get(key);
    if (!c) {
      c = this.source.tls().then((tls) => connectEtcd(url, tls, serverName));
      c.catch(() => this.clients.delete(key));
      this.clients.set(key, c);
    }
    return c;
  }

  async newClient(node: string): Promise<EtcdClient> {
    const { url, serverName } = this.endpoint(node);
    return connectEtcd(url, await this.source.tls(), serverName);
  }

  async status(node: string, deadlineMs = DEFAULT_DEADLINE_MS): Promise<MemberProbe> {
    const started = performance.now();
    try {
      const c = await this.client(node);
      const s = await c.maintenance.status(within(deadlineMs));
      const memberId = s.header.member_id;
      this.memberIds.set(memberId, node);
      const errors = (s as { errors?: string[] }).errors ?? [];
      return {
        node, ok: true, latencyMs: performance.now() - started,
        status: { node, memberId, leaderId: s.leader, raftTerm: Number(s.raftTerm), raftIndex: Number(s.raftIndex), dbSize: Number(s.dbSize), version: s.version, errors },
      };
    } catch (err) {
      return { node, ok: false, error: etcdErrorMessage(err), latencyMs: performance.now() - started };
    }
  }

  statusAll(deadlineMs = DEFAULT_DEADLINE_MS): Promise<MemberProbe[]> {
    return Promise.all(this.endpoints().map((e) => this.status(e.node, deadlineMs)));
  }

  async memberList(deadlineMs = DEFAULT_DEADLINE_MS): Promise<{ from: string; members: IMember[] }> {
    const errors: string[] = [];
    for (const e of this.endpoints()) {
      try {
        const c = await this.client(e.node);
        const r = await c.cluster.memberList({}, within(deadlineMs));
        for (const m of r.members) {
          const node = this.endpoints().find((x) => m.clientURLs.includes(x.url))?.node;
          if (node) this.memberIds.set(m.ID, node);
        }
        return { from: e.node, members: r.members };
      } catch (err) {
        errors.push(`${e.node}: ${etcdErrorMessage(err)}`);
      }
    }
    throw new Error(`no member answered the member list: ${errors.join('; ')}`);
  }

  async nodeOfMember(memberId: string): Promise<string | undefined> {
    if (!this.memberIds.has(memberId)) await this.memberList().catch(() => undefined);
    return this.memberIds.get(memberId);
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    for (const c of all) (await c.catch(() => undefined))?.close();
  }
}
