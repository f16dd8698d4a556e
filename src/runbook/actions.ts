import path from 'node:path';
import type { Check, Step } from '../drill/types.js';
import { lookFor, within } from './checks.js';
import type { PlanContext } from '../engine/types.js';
import { shellQuote } from '../exec/errors.js';
import { isSelector } from '../clients/etcd/selectors.js';
import type { LabFacts } from './lab-facts.js';
import { restoreLines } from './restore.js';
import { sh, slot } from './shell.js';

/**
 * The commands an operator types for a step: etcdctl, docker, ssh, kubectl, as the operator would
 * run them, not kdrill's own calls. An action whose --dry-run lines are already such commands
 * (node faults, kubectl, a command on a node) is shown with them; the etcd actions, which kdrill
 * runs over gRPC, are written out here as their etcdctl equivalents.
 */

export interface OperatorContext {
  facts: LabFacts;
  /** The node etcdctl runs on: the first control plane the steps have not taken down. */
  node: string;
  /** The keys the drill's etcd.seed steps write (the RPO counts them). */
  seeds: Array<{ prefix: string; count: number }>;
  plan: PlanContext;
}

type View = (params: any, ctx: OperatorContext) => string[];

const etcdctl = (ctx: OperatorContext, args: string[], raw: Record<string, string> = {}, endpoint?: string): string =>
  sh(ctx.facts.etcdctl(ctx.node, args, endpoint), raw);

/** Where a snapshot waits in a node: kind's etcd container sees only its data dir of the node's files. */
const nodeSnapshot = (facts: LabFacts): string => (facts.provider === 'kind' ? '/var/lib/etcd/kdrill-snapshot.db' : '/var/lib/etcd-snapshot.db');

const ids = (ctx: OperatorContext, name: string, variable: string): string =>
  `${variable}=$(${etcdctl(ctx, ['member', 'list'])} | awk -F', ' -v name=${shellQuote(name)} '$3 == name {print $1}')`;

const memberName = (ctx: OperatorContext, node: string): string => ctx.facts.members.find((m) => m.node === node)?.name ?? node;

/**
 * A `leader` / `follower` picked from `endpoint status` (its fifth column is IS LEADER), or a node's
 * member. The table is shown first, so the operator sees whom the line picked.
 */
function pickEndpoint(ctx: OperatorContext, who: string, variable: string): string[] {
  if (!isSelector(who)) {
    const m = ctx.facts.members.find((x) => x.node === who);
    return [`${variable}=${shellQuote(m?.clientUrl ?? who)}  # ${who}'s member`];
  }
  return [
    etcdctl(ctx, ['endpoint', 'status', '--cluster', '-w', 'table']),
    `${variable}=$(${etcdctl(ctx, ['endpoint', 'status', '--cluster', '-w', 'simple'])} | awk -F', ' '$5 == "${who === 'leader' ? 'true' : 'false'}" {print $1; exit}')  # a ${who}'s ENDPOINT`,
    `echo "${variable}=$${variable}"`,
  ];
}

function seedLoop(ctx: OperatorContext, prefix: string, count: number, value: string, pad: boolean): string {
  const seq = pad ? `seq -f %04g 1 ${count}` : `seq 1 ${count}`;
  return `for i in $(${seq}); do ${etcdctl(ctx, ['put', '--', slot('key'), value], { key: `${shellQuote(prefix)}"$i"` })}; done`;
}

export const ACTIONS: Record<string, View> = {
  'etcd.delete': (p: { key?: string; prefix?: string }, ctx) => [
    p.key !== undefined ? etcdctl(ctx, ['del', '--', p.key]) : etcdctl(ctx, ['del', '--prefix', '--', p.prefix!]),
  ],
  'etcd.put': (p: { key: string; value: string; count: number }, ctx) =>
    p.count === 1 ? [etcdctl(ctx, ['put', '--', p.key, p.value])] : [seedLoop(ctx, `${p.key}/`, p.count, p.value, false)],
  'etcd.seed': (p: { prefix: string; count: number; value: string }, ctx) => [
    seedLoop(ctx, p.prefix, p.count, p.value, true),
    `# every put prints OK: an acknowledged write. Note the revision: ${etcdctl(ctx, ['endpoint', 'status', '-w', 'json'])}`,
  ],
  'etcd.snapshot.save': (p: { file: string; from: string }, ctx) => {
    const inNode = nodeSnapshot(ctx.facts);
    return [
      `# from ${p.from}: a snapshot taken from a follower adds no latency on the leader`,
      ...pickEndpoint(ctx, p.from, 'FROM'),
      etcdctl(ctx, ['snapshot', 'save', inNode], { from: '"$FROM"' }, slot('from')),
      '# verify it at once: hash, revision, total keys (an unverified backup is not a backup)',
      etcdctl(ctx, ['snapshot', 'status', inNode, '-w', 'table']),
      sh(['mkdir', '-p', path.dirname(p.file)]),
      `${sh(ctx.facts.on(ctx.node, ['cat', inNode]))} > ${shellQuote(p.file)}`,
      sh(ctx.facts.on(ctx.node, ['rm', '-f', inNode])),
      sh(['sha256sum', p.file]),
    ];
  },
  // Waiting by hand: look until each condition holds, at most the time the drill gives it.
  wait: (p: { until: Check[] }, ctx) => p.until.flatMap((c) => {
    const l = lookFor(c, ctx);
    return [`# until ${c.name} holds (${within(c)}): ${l.words}`, ...l.commands];
  }),
  'etcd.snapshot.restore': (p: { file: string; token?: string }, ctx) => restoreLines(ctx.facts, p.file, p.token),
  'etcd.alarm.disarm': (_p, ctx) => [etcdctl(ctx, ['alarm', 'list']), etcdctl(ctx, ['alarm', 'disarm']), etcdctl(ctx, ['alarm', 'list']) + '  # prints nothing now'],
  'etcd.compact': (p: { physical: boolean }, ctx) => [
    `REV=$(${etcdctl(ctx, ['endpoint', 'status', '-w', 'json'])} | grep -o '"revision":[0-9]*' | head -1 | cut -d: -f2)`,
    etcdctl(ctx, ['compact', slot('rev'), ...(p.physical ? ['--physical'] : [])], { rev: '"$REV"' }),
  ],
  'etcd.defrag': (_p, ctx) => [
    '# one member at a time, followers first, the leader last (IS LEADER in the table); defrag blocks that member while it runs',
    etcdctl(ctx, ['endpoint', 'status', '--cluster', '-w', 'table']),
    ...ctx.facts.members.map((m) => `${etcdctl(ctx, ['defrag'], {}, m.clientUrl)}  # ${m.node}`),
    etcdctl(ctx, ['endpoint', 'status', '--cluster', '-w', 'table']) + '  # DB SIZE shrank',
  ],
  'etcd.member.remove': (p: { node: string }, ctx) => [
    ids(ctx, memberName(ctx, p.node), 'ID'),
    etcdctl(ctx, ['member', 'remove', slot('id')], { id: '"$ID"' }),
  ],
  'etcd.leader.move': (p: { to: string }, ctx) => [
    ...pickEndpoint(ctx, 'leader', 'LEADER'),
    isSelector(p.to) ? `# TO: the ID of a ${p.to} (${etcdctl(ctx, ['member', 'list', '-w', 'table'])})` : ids(ctx, memberName(ctx, p.to), 'TO'),
    etcdctl(ctx, ['move-leader', slot('to')], { leader: '"$LEADER"', to: '"$TO"' }, slot('leader')),
  ],
};

/** kdrill's own gRPC calls in a --dry-run line: not something an operator types as such. */
const INTERNAL = /^(etcd [A-Z]|every \d|until )/;

/** The operator's commands of a step: the mapping above, or the module's --dry-run lines (kdrill's guards left out). */
export function actionLines(step: Step, ctx: OperatorContext): string[] {
  const view = ACTIONS[step.action];
  if (view) return view(step.params, ctx);
  return step.module
    .plan(step.params, ctx.plan)
    .filter((l) => !/^# only if .* carries the label/.test(l))
    .map((l) => (INTERNAL.test(l) ? `# kdrill: ${l}` : l));
}
