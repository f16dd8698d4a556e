import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import type { IHashKVResponse } from 'etcd3';
import { within, type EtcdClient } from './client.js';

/**
 * The etcd calls kdrill makes to one member, whatever the transport: gRPC with mTLS to the member's
 * client URL (GrpcCalls), or etcdctl run inside the member's node (src/clients/etcd/etcdctl.ts).
 * 64-bit numbers (IDs) as decimal strings, revisions as numbers. Every call has a deadline.
 */

/** What one member says about itself (`etcdctl endpoint status`). */
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

export interface MemberInfo { id: string; name: string; peerURLs: string[]; clientURLs: string[] }

export interface RawAlarm { memberId: string; alarm: string }

// etcd's AlarmType, by number: the client's typings and the wire names differ in case.
export const ALARM_CODES = ['NONE', 'NOSPACE', 'CORRUPT'];
export function alarmName(a: unknown): string {
  return typeof a === 'number' ? (ALARM_CODES[a] ?? String(a)) : String(a).toUpperCase();
}

export interface MemberCalls {
  status(deadlineMs: number): Promise<MemberStatus>;
  memberList(deadlineMs: number): Promise<MemberInfo[]>;
  /** Returns the revision the write was acknowledged at. */
  put(key: string, value: string | Buffer, deadlineMs: number): Promise<number>;
  /**
   * Puts to distinct keys in one transaction (one revision, all or none); offered only where each call
   * costs a process (etcdctl in the node), so that etcd.fill writes a batch a call. Returns the revision.
   */
  putAll?(entries: ReadonlyArray<readonly [key: string, value: Buffer]>, deadlineMs: number): Promise<number>;
  /** The value, or null when the key does not exist. */
  get(key: string, deadlineMs: number, opts?: { serializable?: boolean }): Promise<Buffer | null>;
  delete(key: string, deadlineMs: number, opts?: { prefix?: boolean }): Promise<number>;
  compact(revision: number, physical: boolean, deadlineMs: number): Promise<void>;
  defragment(deadlineMs: number): Promise<void>;
  alarms(deadlineMs: number): Promise<RawAlarm[]>;
  /** Deactivates one raised alarm. */
  disarm(alarm: RawAlarm, deadlineMs: number): Promise<void>;
  /** HashKV at `revision` (0: the member's current one); the revision it hashed up to. */
  hashKV(revision: number, deadlineMs: number): Promise<{ hash: string; revision: number }>;
  /** Streams a snapshot to a host file (written to `file.part`, renamed when complete). */
  snapshot(file: string): Promise<{ bytes: number; revision?: number }>;
  /** Sent to the leader: hands leadership to `targetId`. */
  moveLeader(targetId: string, deadlineMs: number): Promise<void>;
  /** `name` is used where the transport needs one (etcdctl); gRPC adds the member unnamed, as etcd does. */
  memberAdd(peerURL: string, name: string, deadlineMs: number): Promise<{ id: string; members: MemberInfo[] }>;
  memberRemove(id: string, deadlineMs: number): Promise<void>;
}

const toMembers = (list: Array<{ ID: string; name: string; peerURLs: string[]; clientURLs: string[] }>): MemberInfo[] =>
  list.map((m) => ({ id: m.ID, name: m.name, peerURLs: m.peerURLs, clientURLs: m.clientURLs }));

/** The calls over gRPC, on one member's own client (etcd3, fault handling off). */
export class GrpcCalls implements MemberCalls {
  constructor(private readonly node: string, private readonly c: EtcdClient) {}

  async status(deadlineMs: number): Promise<MemberStatus> {
    const s = await this.c.maintenance.status(within(deadlineMs));
    const memberId = s.header.member_id;
    return {
      node: this.node, memberId, leaderId: s.leader, leader: s.leader === memberId, clusterId: s.header.cluster_id,
      revision: Number(s.header.revision), raftTerm: Number(s.raftTerm), raftIndex: Number(s.raftIndex),
      dbSize: Number(s.dbSize), dbSizeInUse: Number((s as { dbSizeInUse?: string }).dbSizeInUse ?? s.dbSize),
      version: s.version, errors: (s as { errors?: string[] }).errors ?? [],
    };
  }

  async memberList(deadlineMs: number): Promise<MemberInfo[]> {
    return toMembers((await this.c.cluster.memberList({}, within(deadlineMs))).members);
  }

  async put(key: string, value: string | Buffer, deadlineMs: number): Promise<number> {
    return Number((await this.c.put(key).value(value).options(within(deadlineMs)).exec()).header.revision);
  }

  get(key: string, deadlineMs: number, opts: { serializable?: boolean } = {}): Promise<Buffer | null> {
    return this.c.get(key).serializable(opts.serializable ?? false).options(within(deadlineMs)).buffer();
  }

  async delete(key: string, deadlineMs: number, opts: { prefix?: boolean } = {}): Promise<number> {
    const b = this.c.delete();
    return Number((await (opts.prefix ? b.prefix(key) : b.key(key)).options(within(deadlineMs)).exec()).deleted);
  }

  async compact(revision: number, physical: boolean, deadlineMs: number): Promise<void> {
    await this.c.kv.compact({ revision, physical }, within(deadlineMs));
  }

  async defragment(deadlineMs: number): Promise<void> {
    await this.c.maintenance.defragment(within(deadlineMs));
  }

  async alarms(deadlineMs: number): Promise<RawAlarm[]> {
    const r = await this.c.maintenance.alarm({ action: 0 /* GET */, memberID: 0, alarm: 0 }, within(deadlineMs));
    return r.alarms.map((a) => ({ memberId: a.memberID, alarm: alarmName(a.alarm) }));
  }

  async disarm(a: RawAlarm, deadlineMs: number): Promise<void> {
    await this.c.maintenance.alarm({ action: 2 /* DEACTIVATE */, memberID: a.memberId, alarm: ALARM_CODES.indexOf(a.alarm) }, within(deadlineMs));
  }

  /**
   * etcd3 1.1.2's `maintenance.hashKV` calls a grpc method named `hashKV`, which its loaded service
   * does not have ("client[method] is not a function"); the proto name `HashKV` works.
   */
  async hashKV(revision: number, deadlineMs: number): Promise<{ hash: string; revision: number }> {
    const rpc = (this.c.maintenance as unknown as { client: { exec(s: string, m: string, req: unknown, o: unknown): Promise<IHashKVResponse> } }).client;
    const r = await rpc.exec('Maintenance', 'HashKV', { revision }, within(deadlineMs));
    return { hash: String(r.hash), revision: Number(r.header.revision) };
  }

  async snapshot(file: string): Promise<{ bytes: number; revision?: number }> {
    const part = `${file}.part`;
    const out = createWriteStream(part, { mode: 0o600 });
    const stream = await this.c.maintenance.snapshot();
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
  }

  async moveLeader(targetId: string, deadlineMs: number): Promise<void> {
    await this.c.maintenance.moveLeader({ targetID: targetId }, within(deadlineMs));
  }

  async memberAdd(peerURL: string, _name: string, deadlineMs: number): Promise<{ id: string; members: MemberInfo[] }> {
    const r = await this.c.cluster.memberAdd({ peerURLs: [peerURL] }, within(deadlineMs));
    return { id: r.member.ID, members: toMembers(r.members) };
  }

  async memberRemove(id: string, deadlineMs: number): Promise<void> {
    await this.c.cluster.memberRemove({ ID: id }, within(deadlineMs));
  }
}
