import path from 'node:path';
import type { Check, Drill, Step } from '../drill/types.js';
import { formatDuration } from '../drill/duration.js';
import type { PlanContext } from '../engine/types.js';
import { prettyCommand } from '../exec/errors.js';
import type { Lab } from '../labs/types.js';
import { fmtMeasure, fmtMs } from '../report/format.js';
import { actionLines, type OperatorContext } from './actions.js';
import { lookFor, probeLines, within } from './checks.js';
import { labFacts, type LabFacts } from './lab-facts.js';
import { code, fence, table, text } from './markdown.js';
import { stepKey, type ObservedRun, type ObservedStep } from './observed.js';

/**
 * `kdrill runbook`: the drill as a Markdown runbook an operator follows by hand, without kdrill.
 * The lab's facts first (nodes, members, URLs, certificates), then each step: why, what to type,
 * what to look for and the command that shows it; the restore; with a run, what was observed.
 */

const FAULTS = new Set(['node.kill', 'node.stop', 'node.poweroff', 'node.pause', 'node.partition']);
const RECOVERIES = new Set(['node.start', 'node.unpause', 'node.heal', 'node.poweron', 'etcd.member.replace', 'etcd.member.add']);
/** Output kept per step with --from-run: a runbook is not a log. */
const MAX_OUTPUT_LINES = 40;
const MAX_COMMANDS = 30;

export interface RunbookOptions {
  lab: Lab;
  runDir: string;
  observed?: ObservedRun;
  /** How the drill file is named in the runbook (relative to where the command ran). */
  shownFile: string;
}

export function renderRunbook(drill: Drill, o: RunbookOptions): string {
  const facts = labFacts(o.lab);
  const plan: PlanContext = { lab: o.lab, drillDir: drill.dir, runDir: o.runDir };
  const members = facts.members.map((m) => m.node);
  const down = new Set<string>();
  const seeds = drill.steps.filter((s) => s.action === 'etcd.seed').map((s) => s.params as { prefix: string; count: number });
  const ctx = (): OperatorContext => ({ facts, plan, seeds, node: members.find((n) => !down.has(n)) ?? members[0] ?? facts.nodes[0]?.node ?? '' });

  const out: string[] = [`# Runbook: ${text(drill.title ?? drill.name)}`, ''];
  if (drill.description) out.push(text(drill.description.trim()), '');
  out.push(
    `Drill ${code(drill.name)} (${code(o.shownFile)}) on the ${text(facts.provider)} lab ${code(facts.name)}. ` +
      'Every command below is one you type yourself; kdrill is not needed. Run them in order; the restore runs in any case, even when a step went wrong.',
    '',
  );
  if (o.observed) out.push(...runHeader(o.observed), '');

  out.push(...prerequisites(drill, facts, ctx()));

  if (drill.invariants.length) {
    out.push('## Steady state', '', 'Check it before the first step, after every step and after the restore:', '');
    for (const c of drill.invariants) out.push(...lookForItem(c, ctx()));
    if (o.observed?.steady.length) out.push('', ...checksTable(o.observed.steady));
    out.push('');
  }
  if (drill.probes.length) {
    out.push('## During the whole drill', '');
    for (const p of drill.probes) {
      const l = probeLines(p, ctx());
      out.push(`- **${text(p.name)}**: ${text(l.words)}`, '', ...indent(fence(l.commands, 'sh')), '');
    }
  }

  out.push('## Steps', '');
  // The expectations are read after the step: a member it took down is not where etcdctl runs.
  const section = (s: Step, head: string, seen: ObservedStep | undefined) => {
    const before = ctx();
    track(s, down, members);
    out.push(...stepSection(s, head, before, ctx(), seen, !!o.observed));
  };
  drill.steps.forEach((s, i) => section(s, `Step ${i + 1}/${drill.steps.length}`, o.observed?.steps.get(stepKey('steps', i, s.name))));

  if (drill.restore.length) {
    out.push('## Restore', '', 'Always, in this order, each step even if an earlier one failed: the lab goes back to its steady state.', '');
    drill.restore.forEach((s, i) => section(s, `Restore ${i + 1}/${drill.restore.length}`, o.observed?.steps.get(stepKey('restore', i, s.name))));
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

/** Which members are down after a step: etcdctl then runs on one that is up. */
function track(step: Step, down: Set<string>, members: string[]): void {
  const node = (step.params as { node?: unknown }).node;
  if (step.action === 'etcd.snapshot.restore') down.clear();
  else if (typeof node === 'string' && members.includes(node)) {
    if (FAULTS.has(step.action)) down.add(node);
    else if (RECOVERIES.has(step.action)) down.delete(node);
  }
}

function runHeader(run: ObservedRun): string[] {
  const verdict = run.status ? `${run.status.toUpperCase()}${run.reason ? `: ${run.reason}` : ''}` : 'no verdict recorded (the run did not end)';
  return [
    `> Observed in the run ${code(run.runId ?? path.basename(run.dir))}${run.startedAt ? ` of ${text(run.startedAt)}` : ''}: ${text(verdict)}` +
      `${run.durationMs !== undefined ? `, ${fmtMs(run.durationMs)} in all` : ''}.${run.truncated ? ' Its journal ends mid-line (the run was killed): the last step may be missing.' : ''}`,
  ];
}

function prerequisites(drill: Drill, facts: LabFacts, ctx: OperatorContext): string[] {
  const out = ['## Prerequisites', '', `### The lab: ${text(facts.provider)} ${code(facts.name)}`, ''];
  out.push(...facts.facts.map((f) => `- ${text(f)}`), '');
  out.push('Nodes:', '', ...table(['node', facts.provider === 'kubeadm' ? 'host' : 'container', 'role', 'a shell on it'], facts.nodes.map((n) => [text(n.node), text(n.where), text(n.role), text(n.login)])), '');
  if (facts.members.length) {
    out.push('etcd members (one per control plane):', '', ...table(['node', 'member name (--name)', 'client URL', 'peer URL'], facts.members.map((m) => [text(m.node), text(m.name), text(m.clientUrl), text(m.peerUrl)])), '');
  }
  if (facts.discover.length) out.push('Confirm them on the running lab:', '', ...fence(facts.discover, 'sh'), '');
  out.push(
    '### etcdctl',
    '',
    `Every etcdctl line runs on a control plane (${code(ctx.node)} unless a step took it down) with the client certificates of kubeadm's layout; this one shows every member, its leader, raft term and index, and DB size:`,
    '',
    ...fence([etcdctlLine(ctx, ['endpoint', 'status', '--cluster', '-w', 'table']), etcdctlLine(ctx, ['endpoint', 'health', '--cluster']), etcdctlLine(ctx, ['member', 'list', '-w', 'table']), etcdctlLine(ctx, ['alarm', 'list'])], 'sh'),
    '',
  );
  const params = Object.entries(drill.params);
  if (params.length) out.push('### The drill\'s params', '', ...table(['param', 'value'], params.map(([k, v]) => [text(k), text(String(v))])), '');
  return out;
}

const etcdctlLine = (ctx: OperatorContext, args: string[]) => prettyCommand(ctx.facts.etcdctl(ctx.node, args));

function stepSection(step: Step, head: string, before: OperatorContext, after: OperatorContext, seen: ObservedStep | undefined, fromRun: boolean): string[] {
  const out = [`### ${head}: ${text(step.name)}`, ''];
  if (step.explain) out.push(text(step.explain), '');
  out.push(`Do (${code(step.action)}, kdrill gives it ${formatDuration(step.timeoutMs)}):`, '', ...fence(actionLines(step, before), 'sh'), '');
  if (step.expect.length) {
    out.push('Look for:', '');
    for (const c of step.expect) out.push(...lookForItem(c, after));
    out.push('');
  }
  if (seen) out.push(...observedSection(seen), '');
  else if (fromRun) out.push('Observed: this step did not run in that run.', '');
  return out;
}

function lookForItem(c: Check, ctx: OperatorContext): string[] {
  const l = lookFor(c, ctx);
  return [`- **${text(c.name)}** (${within(c)}): ${text(l.words)}`, '', ...indent(fence(l.commands, 'sh')), ''];
}

function observedSection(s: ObservedStep): string[] {
  const out = [`Observed: **${text(s.status)}** in ${fmtMs(s.durationMs)}${s.error ? `: ${text(s.error)}` : ''}`, ''];
  if (s.output) {
    const lines = s.output.split(/\r?\n/);
    out.push('Its output:', '', ...fence(lines.length > MAX_OUTPUT_LINES ? [...lines.slice(0, MAX_OUTPUT_LINES), `… ${lines.length - MAX_OUTPUT_LINES} more lines in the run's journal`] : lines), '');
  }
  if (s.checks.length) out.push(...checksTable(s.checks), '');
  if (s.measures.length) out.push(...table(['figure', 'value'], s.measures.map((m) => [text(m.name), text(fmtMeasure(m.value, m.unit))])), '');
  if (s.commands.length) {
    const shown = s.commands.slice(0, MAX_COMMANDS);
    out.push('The commands kdrill ran for it:', '', ...table(['command', 'exit', 'time'], shown.map((c) => [text(prettyCommand(c.argv)), text(c.exitCode === undefined ? c.error ?? '–' : String(c.exitCode)), fmtMs(c.durationMs)])));
    if (s.commands.length > MAX_COMMANDS) out.push('', `… and ${s.commands.length - MAX_COMMANDS} more in the run's journal.`);
    out.push('');
  }
  return out;
}

function checksTable(checks: ObservedStep['checks']): string[] {
  return table(['check', 'verdict', 'expected', 'observed', 'took'], checks.map((c) => [
    text(c.check), c.ok ? 'holds' : '**does not hold**', text(c.expected ?? '–'), text(c.observed ?? c.message), `${fmtMs(c.durationMs)}${c.attempts > 1 ? `, ${c.attempts} tries` : ''}`,
  ]));
}

const indent = (lines: string[]): string[] => lines.map((l) => (l ? `  ${l}` : l));
