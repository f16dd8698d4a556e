import { readIntegrity } from './snapshot.js';
import type { CommandRunner, RunResult } from '../../exec/runner.js';
import { ALARM_CODES, alarmName, type MemberCalls, type MemberInfo, type MemberStatus, type RawAlarm } from './calls.js';

/**
 * The calls through etcdctl run inside the member's node, against that member only (`-w json`):
 * for kind on Docker Desktop and rootless docker, and kubeadm hosts whose 2379 is not reachable.
 * The lab says how to run etcdctl in a node (EtcdctlHost); this file speaks etcdctl.
 */

export interface ExecContext {
  runner: CommandRunner;
  signal: AbortSignal;
}

export interface EtcdctlHost {
  /** Runs `etcdctl <args>` against this member only (its own client URL, the lab's client certs), inside its node. */
  run(ctx: ExecContext, node: string, args: readonly string[], opts: { timeoutMs: number; input?: string | Buffer }): Promise<RunResult>;
  /** The host argv of `etcdctl <args>` in a node, for --dry-run. */
  argv(node: string, args: readonly string[]): string[];
  /** A file etcdctl in the member can write (its path there), fetched to the host, then removed. */
  fetch(ctx: ExecContext, node: string, name: string, use: (path: string) => Promise<void>, hostFile: string): Promise<void>;
}

/** etcdctl prints uint64 IDs as JSON numbers, beyond what a double holds: read them as strings. */
export function parseJson<T>(text: string): T {
  return JSON.parse(text.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, '$1"$2"')) as T;
}

/** Bytes as a Go string literal ("…"): printable ASCII as is, the rest (and " and \\) as \xNN. */
export function goQuoted(bytes: Buffer): string {
  const plain = (b: number) => b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c;
  if (bytes.every(plain)) return `"${bytes.toString('latin1')}"`;
  let out = '"';
  for (const b of bytes) out += plain(b) ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return `${out}"`;
}

const seconds = (ms: number): string => `${Math.max(1, Math.ceil(ms / 1000))}s`;

/** etcdctl's error, as one line: "etcdserver: mvcc: database space exceeded". */
export function etcdctlError(r: RunResult): Error {
  const lines = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => l.startsWith('Error:')) ?? lines.find((l) => /\{"level":"(warn|error)".*"error":/.test(l)) ?? lines.at(-1) ?? `exit code ${r.exitCode}`;
  const json = /"error":"([^"]+)"/.exec(line);
  return new Error((json ? json[1]! : line.replace(/^Error:\s*/, '')).slice(0, 300));
}

interface Header { cluster_id: string; member_id: string; revision?: number; raft_term?: number }

export class ExecCalls implements MemberCalls {
  constructor(private readonly host: EtcdctlHost, private readonly node: string, private readonly ctx: ExecContext) {}

  private async etcdctl(args: readonly string[], deadlineMs: number, input?: string | Buffer): Promise<string> {
    // docker exec and crictl exec take their own time on top of etcd's deadline.
    const r = await this.host.run(this.ctx, this.node, [`--command-timeout=${seconds(deadlineMs)}`, ...args], { timeoutMs: deadlineMs + 15_000, input });
    if (r.exitCode !== 0) throw etcdctlError(r);
    return r.stdout;
  }

  private json<T>(args: readonly string[], deadlineMs: number, input?: string | Buffer): Promise<T> {
    return this.etcdctl(['-w', 'json', ...args], deadlineMs, input).then((out) => parseJson<T>(out));
  }

  async status(deadlineMs: number): Promise<MemberStatus> {
    const [e] = await this.json<Array<{ Status: { header: Header; version: string; dbSize: number; dbSizeInUse?: number; leader: string; raftIndex: number; raftTerm: number; errors?: string[] } }>>(['endpoint', 'status'], deadlineMs);
    const s = e!.Status;
    return {
      node: this.node, memberId: s.header.member_id, leaderId: String(s.leader), leader: String(s.leader) === s.header.member_id,
      clusterId: s.header.cluster_id, revision: Number(s.header.revision), raftTerm: Number(s.raftTerm), raftIndex: Number(s.raftIndex),
      dbSize: Number(s.dbSize), dbSizeInUse: Number(s.dbSizeInUse ?? s.dbSize), version: s.version, errors: s.errors ?? [],
    };
  }

  async memberList(deadlineMs: number): Promise<MemberInfo[]> {
    const r = await this.json<{ members: Array<{ ID: string; name?: string; peerURLs?: string[]; clientURLs?: string[] }> }>(['member', 'list'], deadlineMs);
    return r.members.map((m) => ({ id: String(m.ID), name: m.name ?? '', peerURLs: m.peerURLs ?? [], clientURLs: m.clientURLs ?? [] }));
  }

  async put(key: string, value: string | Buffer, deadlineMs: number): Promise<number> {
    // The value on stdin: binary-safe, and no size limit of an argv word. `--` ends the flags (a key may start with -).
    const r = await this.json<{ header: Header }>(['put', '--', key], deadlineMs, value);
    return Number(r.header.revision);
  }

  /**
   * `etcdctl txn` with no compares and the puts as its success requests, on stdin: one process for the
   * batch. etcdctl reads each request line as words, a double-quoted word as a Go string literal
   * (\xNN escapes: binary-safe); `--` ends the flags, as a key or value may start with -.
   * etcdctl's txn takes no deadline (txn_command.go commits with context.Background(), whatever
   * --command-timeout says): on a member that cannot commit (no quorum, cut off) it waits until kdrill's
   * process timeout, and the etcdctl left in the node may still commit later. For bulk writes on a
   * healthy cluster, then; a single entry is a `put`, with its deadline (the write a drill expects to
   * go through during a fault).
   */
  async putAll(entries: ReadonlyArray<readonly [key: string, value: Buffer]>, deadlineMs: number): Promise<number> {
    if (entries.length === 1) return this.put(entries[0]![0], entries[0]![1], deadlineMs);
    const lines = entries.map(([key, value]) => `put -- ${goQuoted(Buffer.from(key))} ${goQuoted(value)}`);
    const r = await this.json<{ header: Header; succeeded?: boolean }>(['txn'], deadlineMs, `\n${lines.join('\n')}\n\n\n`);
    return Number(r.header.revision);
  }

  async get(key: string, deadlineMs: number, opts: { serializable?: boolean } = {}): Promise<Buffer | null> {
    const r = await this.json<{ kvs?: Array<{ value?: string }> }>(['get', ...(opts.serializable ? ['--consistency=s'] : []), '--', key], deadlineMs);
    const kv = r.kvs?.[0];
    return kv ? Buffer.from(kv.value ?? '', 'base64') : null;
  }

  async delete(key: string, deadlineMs: number, opts: { prefix?: boolean } = {}): Promise<number> {
    const r = await this.json<{ deleted?: number }>(['del', ...(opts.prefix ? ['--prefix'] : []), '--', key], deadlineMs);
    return Number(r.deleted ?? 0);
  }

  async compact(revision: number, physical: boolean, deadlineMs: number): Promise<void> {
    await this.etcdctl(['compaction', ...(physical ? ['--physical'] : []), String(revision)], deadlineMs);
  }

  async defragment(deadlineMs: number): Promise<void> {
    await this.etcdctl(['defrag'], deadlineMs);
  }

  async alarms(deadlineMs: number): Promise<RawAlarm[]> {
    const r = await this.json<{ alarms?: Array<{ memberID: string; alarm: number | string }> }>(['alarm', 'list'], deadlineMs);
    return (r.alarms ?? []).map((a) => ({ memberId: String(a.memberID), alarm: alarmName(a.alarm) }));
  }

  /** etcdctl disarms every raised alarm at once; one call for the first of them does it. */
  async disarm(a: RawAlarm, deadlineMs: number): Promise<void> {
    if (!ALARM_CODES.includes(a.alarm)) throw new Error(`unknown alarm ${a.alarm}`);
    await this.etcdctl(['alarm', 'disarm'], deadlineMs);
  }

  async hashKV(revision: number, deadlineMs: number): Promise<{ hash: string; revision: number }> {
    const [e] = await this.json<Array<{ HashKV: { header: Header; hash: number | string } }>>(['endpoint', 'hashkv', `--rev=${revision}`], deadlineMs);
    return { hash: String(e!.HashKV.hash), revision: Number(e!.HashKV.header.revision) };
  }

  /** `etcdctl snapshot save` where the member can write, then fetched to the host (no revision in its output). */
  async snapshot(file: string): Promise<{ bytes: number; revision?: number }> {
    const part = `${file}.part`;
    await this.host.fetch(this.ctx, this.node, `kdrill-snapshot-${process.pid}-${Date.now()}.db`, async (p) => {
      await this.etcdctl(['snapshot', 'save', p], 10 * 60_000);
    }, part);
    const { rename } = await import('node:fs/promises');
    await rename(part, file);
    return { bytes: (await readIntegrity(file)).bytes };
  }

  async moveLeader(targetId: string, deadlineMs: number): Promise<void> {
    await this.etcdctl(['move-leader', BigInt(targetId).toString(16)], deadlineMs);
  }

  async memberAdd(peerURL: string, name: string, deadlineMs: number): Promise<{ id: string; members: MemberInfo[] }> {
    const r = await this.json<{ member: { ID: string }; members: Array<{ ID: string; name?: string; peerURLs?: string[]; clientURLs?: string[] }> }>(
      ['member', 'add', name, `--peer-urls=${peerURL}`], deadlineMs);
    return { id: String(r.member.ID), members: r.members.map((m) => ({ id: String(m.ID), name: m.name ?? '', peerURLs: m.peerURLs ?? [], clientURLs: m.clientURLs ?? [] })) };
  }

  async memberRemove(id: string, deadlineMs: number): Promise<void> {
    await this.etcdctl(['member', 'remove', BigInt(id).toString(16)], deadlineMs);
  }
}
