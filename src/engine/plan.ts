import type { Check, Drill, Step } from '../drill/types.js';
import { formatDuration } from '../drill/duration.js';
import type { Lab } from '../labs/types.js';
import type { PlanContext } from './types.js';

/** What `run --dry-run` prints: every step with the exact operations it would perform. Starts nothing. */
export function planDrill(drill: Drill, lab: Lab, runDir: string, only?: string): string[] {
  const ctx: PlanContext = { lab, drillDir: drill.dir, runDir };
  const out: string[] = [`drill ${drill.name}${drill.title ? `: ${drill.title}` : ''} (${drill.file})`];
  const params = Object.entries(drill.params);
  if (params.length) out.push(`params: ${params.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  out.push('', `lab up (${lab.provider} ${lab.name}):`, ...indent(lab.planUp(), 2));
  if (drill.probes.length) {
    out.push('', 'probes (during the whole drill):');
    for (const p of drill.probes) out.push(`  ${p.name}`, ...indent(p.module.plan(p.params, ctx), 4));
  }
  if (drill.invariants.length) {
    out.push('', 'steady state (before the first step, after every step, after the restore):');
    out.push(...checksPlan(drill.invariants, ctx));
  }
  if (drill.guards.length) {
    out.push('', 'guards (polled during the steps; the first failure stops them, the restore runs):');
    for (const g of drill.guards) out.push(`  ${g.name} (every ${formatDuration(g.intervalMs)})`, ...indent(g.module.plan(g.params, ctx), 4));
  }
  const steps = only ? drill.steps.filter((s) => s.name === only) : drill.steps;
  out.push('', 'steps:');
  steps.forEach((s, i) => out.push(...stepPlan(s, i, steps.length, ctx)));
  if (drill.restore.length) {
    out.push('', 'restore (always):');
    drill.restore.forEach((s, i) => out.push(...stepPlan(s, i, drill.restore.length, ctx)));
  }
  out.push('', 'lab down:', ...indent(lab.planDown(), 2));
  return out;
}

function stepPlan(step: Step, i: number, n: number, ctx: PlanContext): string[] {
  const out = [`  ${i + 1}/${n} ${step.name} [${step.action}, timeout ${formatDuration(step.timeoutMs)}]`];
  if (step.explain) out.push(...wrap(step.explain, 76).map((l) => `      # ${l}`));
  out.push(...indent(step.module.plan(step.params, ctx), 6));
  if (step.expect.length) out.push('      expect:', ...checksPlan(step.expect, ctx, 8));
  return out;
}

function checksPlan(checks: Check[], ctx: PlanContext, depth = 2): string[] {
  return checks.flatMap((c) => [
    `${' '.repeat(depth)}${c.name} (within ${formatDuration(c.withinMs)}${c.forMs ? `, for ${formatDuration(c.forMs)}` : ''})`,
    ...indent(c.module.plan(c.params, ctx), depth + 2),
  ]);
}

function indent(lines: string[], n: number): string[] {
  return lines.map((l) => `${' '.repeat(n)}${l}`);
}

export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + word.length + 1 > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) out.push(line);
  }
  return out;
}
