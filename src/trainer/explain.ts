import type { Check, Drill, Step } from '../drill/types.js';
import { formatDuration } from '../drill/duration.js';
import { wrap } from '../engine/plan.js';
import type { Lab } from '../labs/types.js';
import { lookFor, probeLines, within } from '../runbook/checks.js';
import { labFacts } from '../runbook/lab-facts.js';
import type { OperatorContext } from '../runbook/actions.js';

/**
 * `kdrill explain`: the drill as a lesson, read before (or instead of) running it. The lab object is
 * only asked for names (nothing is started); what is checked is said in the runbook's operator words.
 */

const WIDTH = 78;

export function renderExplain(drill: Drill, lab: Lab, shownFile: string): string[] {
  const facts = labFacts(lab);
  const members = facts.members.map((m) => m.node);
  const ctx: OperatorContext = {
    facts, seeds: [], node: members[0] ?? facts.nodes[0]?.node ?? '',
    plan: { lab, drillDir: drill.dir, runDir: '<run dir>' },
  };
  const title = drill.title ?? drill.name;
  const out = [title, '='.repeat(Math.min(title.length, WIDTH)), `${shownFile}: the ${lab.provider} lab ${lab.name}, ${facts.members.length} etcd member${facts.members.length === 1 ? '' : 's'}, ${drill.steps.length} steps, ${drill.restore.length} restore`];
  if (drill.description) out.push('', ...wrap(drill.description, WIDTH));
  if (drill.invariants.length) {
    out.push('', 'Checked before the first step, after every step and after the restore:');
    for (const c of drill.invariants) out.push(...bullet(`${c.name}: ${lookFor(c, ctx).words}`, 2));
  }
  if (drill.probes.length) {
    out.push('', 'Watched for the whole drill:');
    for (const p of drill.probes) out.push(...bullet(`${p.name}: ${probeLines(p, ctx).words}`, 2));
  }
  drill.steps.forEach((s, i) => out.push('', ...stepLines(s, `Step ${i + 1}/${drill.steps.length}`, ctx)));
  if (drill.restore.length) {
    out.push('', ...wrap('The restore: always runs, in order, each step even when an earlier one failed or the drill was interrupted.', WIDTH));
    drill.restore.forEach((s, i) => out.push('', ...stepLines(s, `Restore ${i + 1}/${drill.restore.length}`, ctx)));
  }
  const budgets = Object.entries(drill.budgets).filter(([, v]) => v !== undefined);
  if (budgets.length) out.push('', `Budgets (the drill fails beyond them): ${budgets.map(([k, v]) => `${k} ${k.endsWith('Ms') ? formatDuration(v!) : v}`).join(', ')}`);
  out.push('', `To run it: kdrill run ${shownFile}`, '(add --step to go one step at a time, with these explanations)');
  return out;
}

function stepLines(step: Step, head: string, ctx: OperatorContext): string[] {
  const out = [`${head}: ${step.name}  (${step.action})`];
  if (step.explain) out.push(...wrap(step.explain, WIDTH - 3).map((l) => `   ${l}`));
  else out.push(...wrap(step.module.summary, WIDTH - 3).map((l) => `   ${l}`));
  const exercise = step.action === 'exercise' ? (step.params as { task: string; hints: Array<{ after: string; text: string }> }) : undefined;
  if (exercise) {
    out.push('   the task:', ...wrap(exercise.task, WIDTH - 5).map((l) => `     ${l}`));
    if (exercise.hints.length) out.push('   hints:');
    for (const h of exercise.hints) out.push(...bullet(`after ${h.after}: ${h.text}`, 5));
  }
  for (const key of step.module.checkParams ?? []) {
    const checks = (step.params as Record<string, Check[] | undefined>)[key];
    if (!checks?.length) continue;
    const says = exercise ? (key === 'watch' ? 'must hold all along (else the exercise fails)' : 'fixed when all hold at once (no time limit)') : key === 'until' ? 'waits until' : key;
    out.push(`   ${says}:`);
    for (const c of checks) out.push(...bullet(`${c.name}${exercise ? '' : ` (${within(c)})`}: ${lookFor(c, ctx).words}`, 5));
  }
  if (step.expect.length) {
    out.push('   then checks:');
    for (const c of step.expect) out.push(...bullet(`${c.name} (${within(c)}): ${lookFor(c, ctx).words}`, 5));
  }
  return out;
}

/** A list item, wrapped under its own text. */
function bullet(text: string, indent: number): string[] {
  const pad = ' '.repeat(indent);
  return wrap(text, WIDTH - indent - 2).map((l, i) => `${pad}${i === 0 ? '- ' : '  '}${l}`);
}
