import type { DrillEvent, DrillOutline } from '../engine/events.js';
import { failuresOf } from './failures.js';
import { figuresOf } from './figures.js';
import { collectProbes } from './probes.js';
import { FINAL_NAME, STEADY_NAME, type BudgetReport, type ReportPhase, type RunReport, type StepReport } from './types.js';

/**
 * The whole run as one value, from its events alone (a live run's, or a journal read back).
 * Pure: every reporter (JSON, JUnit, Markdown, timeline, GitHub) renders this, nothing else.
 */
export function summarize(events: readonly DrillEvent[]): RunReport {
  const r: RunReport = {
    drill: { name: '(unknown)', file: '' }, status: 'incomplete', durationMs: events.at(-1)?.ms ?? 0,
    params: {}, steps: [], failures: [], measures: [], probes: [], guards: [], restoreNotRun: [], interrupts: [],
  };
  let outline: DrillOutline | undefined;
  let open: StepReport | undefined; // the step (or steady-state phase) running now
  const labErrors: Array<{ message: string; invalidated: boolean }> = [];
  const budgets: BudgetReport[] = [];
  const close = (ms: number) => {
    if (open && (open.phase === 'steady' || open.phase === 'final')) {
      open.endMs = ms;
      open.durationMs = Math.round(ms - open.startMs!);
      open = undefined;
    }
  };
  const stepNamed = (name: string | undefined, phase?: string): StepReport | undefined => {
    if (open && (name === undefined || open.name === name || open.phase === 'steady' || open.phase === 'final')) return open;
    return [...r.steps].reverse().find((s) => s.name === name && (phase === undefined || s.phase === phase));
  };

  for (const e of events) {
    switch (e.type) {
      case 'drill.start':
        Object.assign(r, { drill: e.drill, kdrillVersion: e.kdrillVersion, runId: e.runId, runDir: e.runDir, params: e.params, startedAt: e.t });
        outline = e.outline;
        break;
      case 'lab.up':
        r.lab = { provider: e.provider, name: e.name, created: e.created, ...(e.adopted ? { adopted: e.adopted } : {}), nodes: e.nodes };
        break;
      case 'lab.down':
        r.lab ??= { provider: e.provider, name: e.name, created: false, nodes: [] };
        Object.assign(r.lab, { removed: e.removed, downReason: e.reason });
        break;
      case 'lab.error':
        labErrors.push({ message: e.message, invalidated: e.invalidated });
        if (r.lab && e.invalidated) r.lab.invalidated = true;
        break;
      case 'phase.start':
        close(e.ms);
        if (e.phase === 'steady' || e.phase === 'final') {
          open = blank(e.phase, 0, e.phase === 'steady' ? STEADY_NAME : FINAL_NAME, e.ms);
          r.steps.push(open);
        }
        break;
      case 'step.start':
        close(e.ms);
        open = { ...blank(asPhase(e.phase), e.index, e.name, e.ms), action: e.action, explain: e.explain, line: e.line, ...(e.undoneBy ? { undoneBy: e.undoneBy } : {}) };
        r.steps.push(open);
        break;
      case 'step.end': {
        const s = stepNamed(e.name, e.phase) ?? blank(asPhase(e.phase), e.index, e.name, e.ms - e.durationMs);
        if (!r.steps.includes(s)) r.steps.push(s);
        Object.assign(s, { status: e.status, durationMs: e.durationMs, endMs: e.ms, error: e.error, output: e.output, data: e.data, line: e.line });
        open = undefined;
        break;
      }
      case 'check.end': {
        const { type: _t, phase: _p, step: _s, t: _wall, ms, seq: _seq, ...outcome } = e;
        stepNamed(e.step, e.phase)?.checks.push({ ...outcome, atMs: ms });
        break;
      }
      case 'measure': {
        const m = { step: e.step, name: e.name, value: e.value, unit: e.unit };
        r.measures.push(m);
        if (e.step !== undefined) stepNamed(e.step)?.measures.push(m);
        break;
      }
      case 'guard.breach': {
        const { type: _t, t: _wall, ms, seq: _seq, ...b } = e;
        const g = r.guards.find((x) => x.guard === e.guard);
        if (g) Object.assign(g, b, { breached: true, atMs: ms });
        else r.guards.push({ ...b, breached: true, atMs: ms });
        break;
      }
      case 'guard.end': {
        const g = r.guards.find((x) => x.guard === e.guard);
        if (g) g.polls = e.polls;
        else r.guards.push({ guard: e.guard, source: 'guard', breached: e.breached, polls: e.polls });
        break;
      }
      case 'budget': {
        const { type: _t, t: _wall, ms: _ms, seq: _seq, ...b } = e;
        budgets.push(b);
        break;
      }
      case 'interrupt':
        r.interrupts.push({ signal: e.signal, count: e.count, atMs: e.ms });
        break;
      case 'drill.end':
        close(e.ms);
        Object.assign(r, { status: e.status, exitCode: e.exitCode, reason: e.reason, durationMs: e.durationMs, endedAt: e.t });
        r.restoreNotRun = e.restoreNotRun ?? [];
        break;
      default:
        break;
    }
  }
  close(events.at(-1)?.ms ?? 0);
  for (const s of r.steps) {
    if (s.phase === 'steady' || s.phase === 'final') s.status = s.checks.every((c) => c.ok) && s.checks.length > 0 ? 'passed' : s.checks.some((c) => !c.ok) ? 'failed' : 'interrupted';
  }
  r.steps = withNotRun(r.steps, outline, r.restoreNotRun);
  // A restore step cut short counts as not run: the lab is not known to be whole again.
  r.restoreNotRun = r.steps.filter((s) => s.phase === 'restore' && (s.status === 'not run' || s.status === 'interrupted')).map((s) => s.name);
  r.probes = collectProbes(events, r.steps);
  for (const g of r.guards) {
    const aborted = g.step !== undefined ? r.steps.find((s) => s.phase === 'steps' && s.name === g.step) : undefined;
    if (aborted?.endMs !== undefined && g.atMs !== undefined) g.stopMs = Math.round(aborted.endMs - g.atMs);
  }
  r.figures = figuresOf(r.steps, r.probes, r.measures, budgets);
  r.failures = failuresOf(r, labErrors);
  return r;
}

function blank(phase: ReportPhase, index: number, name: string, ms: number): StepReport {
  // A step with no step.end was cut short: the process died or a second Ctrl-C ended it.
  return { phase, index, name, status: 'interrupted', durationMs: 0, startMs: ms, checks: [], measures: [] };
}

function asPhase(p: string): ReportPhase {
  return p === 'restore' || p === 'steady' || p === 'final' ? p : 'steps';
}

/** Puts the planned steps that never started back in their place, marked `not run`. */
function withNotRun(steps: StepReport[], outline: DrillOutline | undefined, restoreNotRun: string[]): StepReport[] {
  const planned = (phase: 'steps' | 'restore'): StepReport[] => {
    const started = steps.filter((s) => s.phase === phase);
    const names = outline ? outline[phase] : phase === 'restore' ? restoreNotRun.filter((n) => !started.some((s) => s.name === n)).map((name) => ({ name, action: '', line: 0 })) : [];
    if (!outline) return [...started, ...names.map((o, i) => notRun(phase, started.length + i, o))];
    const out = names.map((o, index) => started.find((s) => s.name === o.name) ?? notRun(phase, index, o));
    return [...out, ...started.filter((s) => !out.includes(s))];
  };
  return [...steps.filter((s) => s.phase === 'steady'), ...planned('steps'), ...planned('restore'), ...steps.filter((s) => s.phase === 'final')];
}

function notRun(phase: ReportPhase, index: number, o: { name: string; action: string; line: number }): StepReport {
  return { phase, index, name: o.name, action: o.action || undefined, line: o.line || undefined, status: 'not run', durationMs: 0, checks: [], measures: [] };
}
