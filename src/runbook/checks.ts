import type { Check } from '../drill/types.js';
import { formatDuration } from '../drill/duration.js';
import type { ProbeModule } from '../engine/types.js';
import { shellQuote } from '../exec/errors.js';
import type { OperatorContext } from './actions.js';
import { sh } from './shell.js';

/** What to look for after a step, in the operator's words, and the command that shows it. */
export interface LookFor {
  words: string;
  commands: string[];
}

type View = (params: any, ctx: OperatorContext) => LookFor;

const etcdctl = (ctx: OperatorContext, args: string[]) => sh(ctx.facts.etcdctl(ctx.node, args));
const status = (ctx: OperatorContext) => etcdctl(ctx, ['endpoint', 'status', '--cluster', '-w', 'table']);
const health = (ctx: OperatorContext) => etcdctl(ctx, ['endpoint', 'health', '--cluster']);
const members = (ctx: OperatorContext) => etcdctl(ctx, ['member', 'list', '-w', 'table']);

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

export const CHECKS: Record<string, View> = {
  'etcd.quorum': (p: { members?: number; healthy?: number; answering?: number; hasQuorum: boolean }, ctx) => {
    const parts = [
      p.members !== undefined ? `"member list" shows ${count(p.members, 'member')}` : undefined,
      p.healthy !== undefined ? `${count(p.healthy, 'member')} healthy in "endpoint health"` : undefined,
      p.answering !== undefined ? `${p.answering} answer${p.answering === 1 ? 's' : ''} "endpoint status" (healthy or not)` : undefined,
      p.hasQuorum ? 'quorum (⌊n/2⌋+1 healthy) holds: one member IS LEADER' : 'quorum is LOST: fewer than ⌊n/2⌋+1 healthy, no leader, writes time out',
    ].filter(Boolean);
    return { words: parts.join('; '), commands: [members(ctx), health(ctx), status(ctx)] };
  },
  'etcd.clusterId': (p: { changed: boolean }, ctx) => ({
    words: p.changed
      ? 'the cluster ID is NEW (not the one noted before the fault): a restore made a new logical cluster'
      : 'the cluster ID is the one noted before the fault (no restore happened)',
    commands: [`${etcdctl(ctx, ['endpoint', 'status', '-w', 'json'])}  # "cluster_id" in each header`],
  }),
  'etcd.memberId': (p: { node: string; changed: boolean }, ctx) => ({
    words: p.changed
      ? `${p.node}'s member in "member list" has a NEW ID (not the one noted first): it was removed and added back, a member replace`
      : `${p.node}'s member in "member list" has the ID noted first`,
    commands: [`${etcdctl(ctx, ['member', 'list', '-w', 'table'])}  # the ID on ${p.node}'s row`],
  }),
  'etcd.key': (p: { key: string; equals?: string; absent?: true }, ctx) => ({
    words: p.absent ? `the key ${p.key} is absent (get prints nothing)` : p.equals !== undefined ? `the key ${p.key} reads ${JSON.stringify(p.equals)}` : `the key ${p.key} exists`,
    commands: [etcdctl(ctx, ['get', '--', p.key])],
  }),
  'etcd.rpo': (p: { lostKeys?: number; maxLostKeys?: number }, ctx) => ({
    words: `the RPO: ${p.lostKeys !== undefined ? `exactly ${count(p.lostKeys, 'acknowledged key')}` : `at most ${count(p.maxLostKeys ?? 0, 'acknowledged key')}`} written after the snapshot are lost; every key written before it is there`,
    commands: ctx.seeds.length === 0 ? ['# the keys the drill wrote and acknowledged, counted by prefix with: etcdctl get --prefix --keys-only -- <prefix> | grep -c .'] : ctx.seeds.map((s) => `${etcdctl(ctx, ['get', '--prefix', '--keys-only', '--', s.prefix])} | grep -c .  # ${s.count} written and acknowledged`),
  }),
  'snapshot.valid': (p: { file: string; minKeys?: number; minBytes?: unknown; valid: boolean }, ctx) => ({
    words: p.valid
      ? `the snapshot ${p.file} verifies: "snapshot status" prints its hash, revision and TOTAL KEYS${p.minKeys !== undefined ? ` (at least ${p.minKeys})` : ''}${p.minBytes !== undefined ? `, TOTAL SIZE at least ${String(p.minBytes)}` : ''}`
      : `the file ${p.file} is REJECTED by "snapshot status" (a truncated or empty copy)`,
    commands: [
      sh(['sha256sum', p.file]),
      ctx.facts.image
        ? sh(['docker', 'run', '--rm', '--network', 'none', '--volume', `${p.file}:/snapshot.db:ro`, '--entrypoint', 'etcdctl', '--env', 'ETCDCTL_API=3', ctx.facts.image, 'snapshot', 'status', '/snapshot.db', '-w', 'table'])
        : sh(['etcdctl', 'snapshot', 'status', p.file, '-w', 'table']),
    ],
  }),
  'etcd.alarms': (p: { includes?: string }, ctx) => ({
    words: p.includes
      ? `${p.includes} is raised (\`alarm list\` shows it${p.includes === 'NOSPACE' ? ': every write is refused until it is disarmed' : ''})`
      : 'no alarm is raised (`alarm list` prints nothing; NOSPACE would refuse every write)',
    commands: [etcdctl(ctx, ['alarm', 'list'])],
  }),
  'etcd.writable': (p: { key: string }, ctx) => ({ words: 'a write is acknowledged (put prints OK)', commands: [etcdctl(ctx, ['put', '--', p.key, 'written-by-hand'])] }),
  'etcd.readOnly': (p: { key: string }, ctx) => ({
    words: 'writes are refused (put times out or fails) while a serializable read still answers',
    commands: [etcdctl(ctx, ['put', '--command-timeout=2s', '--', p.key, 'x']), etcdctl(ctx, ['get', '--consistency=s', '--', p.key])],
  }),
  'etcd.leader': (p: { unique: boolean; notOn?: string; on?: string; changed?: boolean }, ctx) => ({
    words: [
      p.unique ? 'exactly one member IS LEADER, and every member names it' : undefined,
      p.on ? `the leader is on ${p.on}` : undefined,
      p.notOn ? `the leader is not on ${p.notOn}` : undefined,
      p.changed === true ? 'the leader changed (another ID than before the fault)' : p.changed === false ? 'the leader is the one from before' : undefined,
    ].filter(Boolean).join('; '),
    commands: [status(ctx)],
  }),
  'etcd.inSync': (p: { maxIndexSpread: number }, ctx) => ({ words: `every member has the same RAFT TERM and RAFT INDEX within ${p.maxIndexSpread}`, commands: [status(ctx)] }),
  'etcd.hashConsistent': (_p, ctx) => ({ words: 'every member has the same HASH of the keyspace at one revision', commands: [etcdctl(ctx, ['endpoint', 'hashkv', '--cluster', '-w', 'table'])] }),
  'etcd.dbSize': (_p, ctx) => ({ words: 'DB SIZE of each member is within the drill\'s bounds', commands: [status(ctx)] }),
};

const kubectl = (ctx: OperatorContext, args: string[]) => (ctx.facts.kubectl ? sh(ctx.facts.kubectl(args)) : sh(['kubectl', ...args]));

export const K8S_CHECKS: Record<string, View> = {
  'k8s.apiReadable': (p: { namespace: string; deadline: string }, ctx) => ({
    words: `the API server answers a read within ${p.deadline}`,
    commands: [kubectl(ctx, [`--request-timeout=${p.deadline}`, 'get', 'namespace', p.namespace])],
  }),
  'k8s.apiWritable': (p: { namespace: string; deadline: string; writable: boolean }, ctx) => ({
    words: p.writable ? `the API server accepts a write within ${p.deadline}` : 'the API server REFUSES writes (etcd has no quorum): the create times out or fails',
    commands: [
      kubectl(ctx, [`--request-timeout=${p.deadline}`, '-n', p.namespace, 'create', 'configmap', 'runbook-write-check', '--from-literal=at=now']),
      kubectl(ctx, [`--request-timeout=${p.deadline}`, '-n', p.namespace, 'delete', 'configmap', 'runbook-write-check']),
    ],
  }),
  'k8s.available': (p: { namespace: string; deployments?: string[] }, ctx) => ({
    words: `every Deployment${p.deployments ? ` (${p.deployments.join(', ')})` : ''} in ${p.namespace} has as many available replicas as desired`,
    commands: [kubectl(ctx, ['-n', p.namespace, 'get', 'deployments', ...(p.deployments ?? [])])],
  }),
  'k8s.nodesReady': (p: { min?: number; notReady?: string[] }, ctx) => ({
    words: [p.min !== undefined ? `at least ${p.min} nodes Ready` : 'every node Ready', p.notReady?.length ? `NotReady: ${p.notReady.join(', ')}` : undefined].filter(Boolean).join('; '),
    commands: [kubectl(ctx, ['get', 'nodes'])],
  }),
  'k8s.podsRunning': (p: { namespace: string; selector?: string; min: number }, ctx) => ({
    words: `at least ${p.min} pod${p.min === 1 ? '' : 's'}${p.selector ? ` (${p.selector})` : ''} in ${p.namespace} Running and ready`,
    commands: [kubectl(ctx, ['-n', p.namespace, 'get', 'pods', ...(p.selector ? ['-l', p.selector] : [])])],
  }),
  'k8s.leaseHolder': (p: { lease: string; notOn?: string; holderOn?: string; changed?: boolean }, ctx) => {
    const [ns, name] = p.lease.split('/');
    return {
      words: [`HOLDER of the Lease ${p.lease}`, p.holderOn ? `is on ${p.holderOn}` : undefined, p.notOn ? `is not on ${p.notOn}` : undefined, p.changed === true ? 'changed' : p.changed === false ? 'did not change' : undefined].filter(Boolean).join(' '),
      commands: [kubectl(ctx, ['-n', ns!, 'get', 'lease', name!])],
    };
  },
};

/** The check's look-for: the mapping above, or its summary and --dry-run lines. */
export function lookFor(check: Check, ctx: OperatorContext): LookFor {
  const view = CHECKS[check.name] ?? K8S_CHECKS[check.name];
  if (view) return view(check.params, ctx);
  const lines = check.module.plan(check.params, ctx.plan);
  return { words: check.module.summary, commands: lines.map((l) => (/^(etcd [A-Z]|until )/.test(l) ? `# kdrill: ${l}` : l)) };
}

export function within(check: Check): string {
  return `within ${formatDuration(check.withinMs)}${check.forMs ? `, holding for ${formatDuration(check.forMs)}` : ''}`;
}

/** A probe as an operator runs it: a loop in a second terminal for the whole drill. */
export function probeLines(probe: Check<ProbeModule>, ctx: OperatorContext): LookFor {
  if (probe.name === 'etcd.writes') {
    const p = probe.params as { key: string; interval: string; maxUnavailable: string; attemptDeadline: string };
    const put = sh(ctx.facts.etcdctl(ctx.node, [`--command-timeout=${p.attemptDeadline}`, 'put', '--', p.key, 'x']));
    const secs = (d: string) => (/ms$/.test(d) ? String(Number(d.slice(0, -2)) / 1000) : d.replace(/s$/, ''));
    return {
      words: `writes never stop for more than ${p.maxUnavailable}: in a second terminal, for the whole drill, a write every ${p.interval}; the longest run of FAIL lines is the write unavailability`,
      commands: [`while :; do if ${put} >/dev/null 2>&1; then echo "$(date +%T.%N) ok"; else echo "$(date +%T.%N) FAIL"; fi; sleep ${shellQuote(secs(p.interval))}; done`],
    };
  }
  if (probe.name === 'k8s.writes') {
    const p = probe.params as { interval: string; namespace: string; maxUnavailable: string; timeout: string };
    const secs = (d: string) => (/ms$/.test(d) ? String(Number(d.slice(0, -2)) / 1000) : d.replace(/s$/, ''));
    const write = `${kubectl(ctx, [`--request-timeout=${p.timeout}`, '-n', p.namespace, 'create', 'configmap', 'runbook-writes', '--from-literal=at=@@now@@', '--dry-run=client', '-o', 'yaml'])} | ${kubectl(ctx, [`--request-timeout=${p.timeout}`, 'apply', '-f', '-'])}`.replace('@@now@@', '"$(date +%s%N)"');
    return {
      words: `API writes never stop for more than ${p.maxUnavailable}: in a second terminal, for the whole drill, a ConfigMap written every ${p.interval}; the longest run of FAIL lines is the write unavailability`,
      commands: [`while :; do if ${write} >/dev/null 2>&1; then echo "$(date +%T.%N) ok"; else echo "$(date +%T.%N) FAIL"; fi; sleep ${shellQuote(secs(p.interval))}; done`],
    };
  }
  return { words: probe.module.summary, commands: probe.module.plan(probe.params, ctx.plan).map((l) => `# kdrill: ${l}`) };
}
