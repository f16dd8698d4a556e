import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import type { Lab } from '../types.js';
import type { CommandRunner } from '../../exec/runner.js';

type Etcd3 = import('etcd3').Etcd3;

/**
 * What the maintenance and recovery modules need from etcd, per member. One etcd3 client per
 * endpoint (a multi-host client would send "defragment this member" to a random one), fault
 * handling off (no silent retries: a NOSPACE Put would be applied twice) and a deadline on every call.
 */

export interface OpsMember {
  /** The drill's node name: control-plane2. */
  node: string;
  container: string;
  /** https://<node-ip>:2379 */
  url: string;
}

/** What the lab hands over (see `opsTargetOf`). */
export interface OpsTarget {
  members(): OpsMember[];
  /** A new client of exactly this member's endpoint (fault handling off), closed by the caller. */
  connect(m: OpsMember): Promise<Etcd3>;
  /** The etcd image, for throwaway etcdctl containers (snapshot status / restore). */
  image: string;
}

export interface MemberStatus {
  member: string;
  memberId: string;
  leaderId: string;
  leader: boolean;
  clusterId: string;
  dbSize: number;
  dbSizeInUse: number;
  revision: number;
  raftTerm: number;
  raftIndex: number;
}
export type MemberSize = Pick<MemberStatus, 'member' | 'dbSize' | 'dbSizeInUse'>;
export interface MemberAlarm { member: string; memberId: string; alarm: string }
export interface MemberInfo { id: string; name: string; peerURLs: string[]; clientURLs: string[] }

export interface OpsCtx {
  runner: CommandRunner;
  signal: AbortSignal;
  lab: Lab;
}

export const CALL_DEADLINE_MS = 5_000;

// etcd's AlarmRequest enums, by number: the client's typings and the wire names differ in case.
const ALARM_GET = 0;
const ALARM_DEACTIVATE = 2;
const ALARM_CODES = ['NONE', 'NOSPACE', 'CORRUPT'];
export function alarmName(a: unknown): string {
  return typeof a === 'number' ? (ALARM_CODES[a] ?? String(a)) : String(a).toUpperCase();
}

/** The lab's etcd capability as the ops modules use it (src/clients/etcd/access.ts's EtcdAccess). */
interface LabEtcdAccess {
  endpoints(): Array<{ node: string; url: string }>;
  newClient(node: string): Promise<Etcd3>;
}

/**
 * Adapts the lab's etcd capability: members from its endpoints and the lab's node list, one new
 * client per call, the image from the lab's spec. A test lab may hand over an OpsTarget as `ops`.
 */
export function opsTargetOf(lab: Lab): OpsTarget {
  const access = lab.get<Partial<LabEtcdAccess> & { ops?: OpsTarget }>('etcd');
  if (access?.ops) return access.ops;
  if (!access || typeof access.endpoints !== 'function' || typeof access.newClient !== 'function') {
    throw new Error(`lab "${lab.name}" (${lab.provider}) gives no etcd access for maintenance`);
  }
  const etcd = access as LabEtcdAccess;
  const containers = new Map(lab.nodes().map((n) => [n.name, n.container]));
  return {
    members: () => etcd.endpoints().map((e) => ({ node: e.node, container: containers.get(e.node) ?? e.node, url: e.url })),
    connect: (m) => etcd.newClient(m.node),
    image: (lab as { spec?: { image?: unknown } }).spec?.image as string | undefined ?? DEFAULT_ETCD_IMAGE,
  };
}

const DEFAULT_ETCD_IMAGE = 'kdrill/etcd:3.4.23';


export class OpsEtcd {
  constructor(private readonly target: OpsTarget) {}

  members(): OpsMember[] {
    return this.target.members();
  }

  member(node: string): OpsMember {
    const m = this.members().find((x) => x.node === node || x.container === node);
    if (!m) throw new Error(`no etcd member on node "${node}" (members: ${this.members().map((x) => x.node).join(', ')})`);
    return m;
  }

  get image(): string {
    return this.target.image;
  }

  /** A client for one endpoint, closed after `fn`. */
  async with<T>(m: OpsMember, fn: (c: Etcd3) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const client = await this.target.connect(m);
    const onAbort = () => client.close();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn(client);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      client.close();
    }
  }

  async status(m: OpsMember, signal?: AbortSignal, deadlineMs = CALL_DEADLINE_MS): Promise<MemberStatus> {
    return this.with(m, async (c) => {
      const s = await c.maintenance.status({ deadline: new Date(Date.now() + deadlineMs) });
      return {
        member: m.node,
        memberId: s.header.member_id,
        leaderId: s.leader,
        leader: s.leader === s.header.member_id,
        clusterId: s.header.cluster_id,
        dbSize: Number(s.dbSize),
        dbSizeInUse: Number((s as { dbSizeInUse?: string }).dbSizeInUse ?? s.dbSize),
        revision: Number(s.header.revision),
        raftTerm: Number(s.raftTerm),
        raftIndex: Number(s.raftIndex),
      };
    }, signal);
  }

  /** Status of every member; an unreachable one is reported with its error instead. */
  async statuses(ctx: { signal: AbortSignal }): Promise<Array<MemberStatus | { member: string; error: string }>> {
    return Promise.all(this.members().map((m) => this.status(m, ctx.signal, 2_000).catch((e: unknown) => ({ member: m.node, error: errText(e) }))));
  }

  /**
   * Runs `fn` on the first member that answers a status call (like etcdctl with several endpoints,
   * but in order and without retrying a call that reached etcd). One client per member tried: the
   * status call and `fn` share it.
   */
  async any<T>(ctx: { signal: AbortSignal }, fn: (c: Etcd3, m: OpsMember) => Promise<T>): Promise<T> {
    const errors: string[] = [];
    for (const m of this.members()) {
      let answered = false;
      try {
        return await this.with(m, async (c) => {
          await c.maintenance.status(deadline(2_000));
          answered = true;
          return fn(c, m);
        }, ctx.signal);
      } catch (e) {
        // A member that answered: its error is the operation's, not a reason to try another member.
        if (answered) throw e;
        errors.push(`${m.node}: ${errText(e)}`);
      }
    }
    throw new Error(`no etcd member answers (${errors.join('; ')})`);
  }

  async alarms(ctx: { signal: AbortSignal }): Promise<MemberAlarm[]> {
    const { alarms, names } = await this.any(ctx, async (c) => ({
      alarms: (await c.maintenance.alarm({ action: ALARM_GET, memberID: 0, alarm: 0 }, deadline())).alarms,
      names: await this.names(c),
    }));
    return alarms.map((a) => ({ member: names.get(a.memberID) ?? a.memberID, memberId: a.memberID, alarm: alarmName(a.alarm) }));
  }

  /** `alarm disarm`: deactivates every raised alarm; returns what was raised. */
  async disarm(ctx: { signal: AbortSignal }): Promise<MemberAlarm[]> {
    const raised = await this.alarms(ctx);
    await this.any(ctx, async (c) => {
      for (const a of raised) await c.maintenance.alarm({ action: ALARM_DEACTIVATE, memberID: a.memberId, alarm: ALARM_CODES.indexOf(a.alarm) }, deadline());
    });
    return raised;
  }

  async memberList(ctx: { signal: AbortSignal }): Promise<MemberInfo[]> {
    return this.any(ctx, async (c) => toMembers((await c.cluster.memberList({}, deadline())).members));
  }

  private async names(c: Etcd3): Promise<Map<string, string>> {
    const list = toMembers((await c.cluster.memberList({}, deadline())).members);
    return new Map(list.map((m) => [m.id, this.nodeOfName(m.name)]));
  }

  /** etcd member names are the node containers' names (kubeadm: the node name). */
  nodeOfName(name: string): string {
    return this.members().find((m) => m.container === name || m.node === name)?.node ?? name;
  }

  /**
   * Streams a snapshot from one member to `file` (written to `file.part`, renamed when complete,
   * like etcdctl). Returns the revision of the first header: the point in time of the snapshot.
   */
  async snapshot(m: OpsMember, file: string, signal?: AbortSignal): Promise<{ bytes: number; revision?: number }> {
    return this.with(m, async (c) => {
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
}

function toMembers(list: Array<{ ID: string; name: string; peerURLs: string[]; clientURLs: string[] }>): MemberInfo[] {
  return list.map((m) => ({ id: m.ID, name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs }));
}

export function errText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.slice(0, 300);
}

export function opsEtcd(ctx: { lab: Lab }): OpsEtcd {
  return new OpsEtcd(opsTargetOf(ctx.lab));
}

export function etcdImageOf(lab: Lab): string {
  try {
    return opsTargetOf(lab).image;
  } catch {
    return DEFAULT_ETCD_IMAGE;
  }
}

/** grpc call options: every call kdrill makes has a deadline. */
export const deadline = (ms: number = CALL_DEADLINE_MS): { deadline: Date } => ({ deadline: new Date(Date.now() + ms) });
