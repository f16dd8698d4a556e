import { inspectContainers } from '../labs/docker/index.js';
import type { EtcdAccess, MemberInfo, MemberProbe } from '../clients/etcd/access.js';
import { listAlarms, type MemberAlarm } from '../clients/etcd/alarms.js';
import { etcdErrorMessage } from '../clients/etcd/client.js';
import { quorumOf } from '../clients/etcd/quorum.js';
import type { Lab } from '../labs/types.js';
import { hexId, humanBytes, table } from './table.js';

/**
 * `kdrill lab status`: the chapter's H-S-M look at a lab (Health, Status, Members) in etcdctl's
 * table words, and its nodes. Gathering (probes through the lab's EtcdAccess) is apart from the
 * rendering, a pure function of what was gathered.
 */

export interface NodeState { node: string; container: string; role: string; state: string }
export interface Health { endpoint: string; ok: boolean; tookMs: number; error?: string }

export interface LabStatus {
  lab: string;
  provider: string;
  found: string;
  nodes: NodeState[];
  /** The member list, or why no member answered it. */
  members: MemberInfo[] | string;
  statuses: Array<MemberProbe & { endpoint: string }>;
  health: Health[];
  alarms: MemberAlarm[] | string;
}

const DEADLINE_MS = 2_000;

export async function gatherStatus(lab: Lab, found: string): Promise<LabStatus> {
  const { runner, signal } = lab.env;
  const nodes = lab.nodes();
  const seen = await inspectContainers(runner, nodes.map((n) => n.container), signal);
  const states = nodes.map((n) => {
    const c = seen.get(n.container);
    return { node: n.name, container: n.container, role: n.role, state: !c ? 'missing' : c.paused ? 'paused' : c.running ? 'running' : `stopped (${c.state}, exit ${c.exitCode})` };
  });
  const etcd = lab.etcd;
  if (!etcd) return { lab: lab.name, provider: lab.provider, found, nodes: states, members: 'this lab has no etcd', statuses: [], health: [], alarms: [] };
  const [members, statuses, health, alarms] = await Promise.all([
    etcd.memberList(DEADLINE_MS).then((r) => r.members, (err: unknown) => etcdErrorMessage(err)),
    etcd.statusAll(DEADLINE_MS),
    Promise.all(etcd.members().map((m) => healthOf(etcd, m.node, m.url))),
    listAlarms(etcd, signal).catch((err: unknown) => etcdErrorMessage(err)),
  ]);
  // A member whose node is not running did not answer for that reason (on kind its IP is gone too,
  // and the client's own error would be about resolving a placeholder).
  const down = new Map(states.filter((n) => n.state !== 'running').map((n) => [n.node, `node ${n.state}`]));
  return {
    lab: lab.name, provider: lab.provider, found, nodes: states, members, alarms,
    health: health.map((h, i) => (!h.ok && down.has(etcd.members()[i]!.node) ? { ...h, error: down.get(etcd.members()[i]!.node) } : h)),
    statuses: statuses.map((s) => ({ ...(!s.ok && down.has(s.node) ? { ...s, error: down.get(s.node)! } : s), endpoint: etcd.member(s.node).url })),
  };
}

/** `etcdctl endpoint health`: a linearizable read through the member (it needs quorum and a leader). */
async function healthOf(etcd: EtcdAccess, node: string, endpoint: string): Promise<Health> {
  const t0 = performance.now();
  try {
    await etcd.with(node, (m) => m.get('health', DEADLINE_MS));
    return { endpoint, ok: true, tookMs: performance.now() - t0 };
  } catch (err) {
    return { endpoint, ok: false, tookMs: performance.now() - t0, error: etcdErrorMessage(err) };
  }
}

/** An error as a table cell: its first clause (gRPC's details after the parenthesis stay out). */
const short = (e: string): string => e.replace(/ \(.*$/s, '').slice(0, 80);

const ms = (n: number): string => `${n.toFixed(3)}ms`;

export function renderStatus(s: LabStatus): string[] {
  const out = [`lab ${s.lab} (${s.provider}): ${s.found}`, '', 'nodes:', ...table(['node', 'container', 'role', 'state'], s.nodes.map((n) => [n.node, n.container, n.role, n.state]))];
  out.push('', 'member list:');
  if (typeof s.members === 'string') out.push(`  no member answered: ${s.members}`);
  else out.push(...table(['ID', 'status', 'name', 'peer addrs', 'client addrs'], s.members.map((m) => [hexId(m.id), m.name ? 'started' : 'unstarted', m.name, m.peerURLs.join(','), m.clientURLs.join(',')])));
  out.push('', 'endpoint status:');
  out.push(...table(['endpoint', 'ID', 'version', 'DB size', 'is leader', 'raft term', 'raft index', 'errors'], s.statuses.map((p) =>
    p.ok
      ? [p.endpoint, hexId(p.status.memberId), p.status.version, humanBytes(p.status.dbSize), String(p.status.leader), String(p.status.raftTerm), String(p.status.raftIndex), p.status.errors.join(', ')]
      : [p.endpoint, '', '', '', '', '', '', short(p.error)])));
  out.push('', 'endpoint health:');
  out.push(...table(['endpoint', 'health', 'took', 'error'], s.health.map((h) => [h.endpoint, String(h.ok), ms(h.tookMs), short(h.error ?? '')])));
  out.push('', 'alarm list:');
  if (typeof s.alarms === 'string') out.push(`  no member answered: ${s.alarms}`);
  else if (s.alarms.length === 0) out.push('  (none)');
  else out.push(...s.alarms.map((a) => `  memberID:${hexId(a.memberId)} alarm:${a.alarm}  (${a.member})`));
  out.push('', summary(s));
  return out;
}

/** The verdict in the chapter's words: quorum = ⌊n/2⌋+1, who leads. */
export function summary(s: LabStatus): string {
  const n = typeof s.members === 'string' ? s.statuses.length : s.members.length;
  const q = quorumOf(n);
  const healthy = s.health.filter((h) => h.ok).length;
  const leaders = s.statuses.flatMap((p) => (p.ok && p.status.leader ? [p.node] : []));
  const raised = typeof s.alarms === 'string' ? [] : [...new Set(s.alarms.map((a) => a.alarm))];
  return [
    `${healthy} of ${n} members healthy, quorum ${q}: ${healthy >= q ? 'quorum holds' : 'QUORUM LOST (no writes)'}`,
    leaders.length === 1 ? `leader ${leaders[0]}` : leaders.length === 0 ? 'no leader' : `${leaders.length} members say they lead: ${leaders.join(', ')}`,
    ...(raised.length ? [`alarms raised: ${raised.join(', ')} (writes refused until alarm disarm)`] : []),
  ].join('; ');
}
