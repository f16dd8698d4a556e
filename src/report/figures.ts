import type { BudgetReport, FaultFigures, Figures, MeasureReport, ProbeReport, StepReport } from './types.js';

/**
 * The recovery figures an operator reports (RTO and RPO), per fault, from a summarized run. A fault is a
 * step whose action says it is one and which actions undo it (ActionModule.fault). Definitions (README,
 * "Recovery figures"):
 * - detection: from the fault action's end to the last of its step's `expect` checks holding;
 * - write gap: the longest unavailable window of any probe between the fault's start and its recovery;
 * - recovery: from the start of the step that undoes it (the first later one not paired with an earlier
 *   fault, in steps or restore; a snapshot restore undoes every fault before it) to
 *   the steady state again: that step's checks held (in `steps`), or the final steady-state check held
 *   (in `restore`); without such a step, from the start of the drill's restore to that final check;
 * - RPO: the `rpo.keys` / `rpo.revisions` measures (a snapshot restore records them).
 */
/** A recovery of the whole cluster undoes every fault before it, not only the first (a node step undoes one). */
const WHOLE_CLUSTER = ['etcd.snapshot.restore'];

export function figuresOf(steps: readonly StepReport[], probes: readonly ProbeReport[], measures: readonly MeasureReport[], budgets: BudgetReport[] = []): Figures {
  const ordered = steps.filter((s) => (s.phase === 'steps' || s.phase === 'restore') && s.startMs !== undefined);
  const final = steps.find((s) => s.phase === 'final');
  const claimed = new Set<StepReport>();
  const faults: FaultFigures[] = [];
  for (const [i, f] of ordered.entries()) {
    if (!f.undoneBy) continue;
    const out: FaultFigures = { step: f.name, action: f.action, line: f.line };
    out.detectionMs = detection(f);
    const rec = ordered.slice(i + 1).find((s) => f.undoneBy!.includes(s.action ?? '') && (!claimed.has(s) || WHOLE_CLUSTER.includes(s.action!)));
    const firstRestore = ordered.find((s) => s.phase === 'restore' && ordered.indexOf(s) > i);
    const from = rec ?? firstRestore;
    let endMs: number | undefined;
    if (from) {
      claimed.add(from);
      out.recoveredBy = rec ? rec.name : 'restore';
      endMs = steadyAgain(from, final);
      if (endMs !== undefined) out.recoveryMs = Math.round(endMs - from.startMs!);
    }
    const until = endMs ?? from?.endMs ?? Math.max(f.endMs ?? 0, ...probes.flatMap((p) => p.windows.map((w) => w.endMs)));
    const gap = longestWithin(probes, f.startMs!, until);
    // With a probe running and no window in the fault's span, the gap was 0; without a probe, unknown.
    if (gap) Object.assign(out, { writeGapMs: gap.ms, writeGapProbe: gap.probe });
    else if (probes.length) out.writeGapMs = 0;
    // The RPO belongs to the fault when a step from the fault to its recovery measured it.
    const span = new Set(ordered.slice(i, from ? ordered.indexOf(from) + 1 : undefined).map((s) => s.name));
    Object.assign(out, rpoOf(measures.filter((m) => m.step !== undefined && span.has(m.step))));
    faults.push(out);
  }
  const worst = (k: 'detectionMs' | 'recoveryMs') => max(faults.map((f) => f[k]));
  return {
    faults,
    detectionMs: worst('detectionMs'),
    writeGapMs: probes.length ? max(probes.map((p) => p.longestMs)) : undefined,
    recoveryMs: worst('recoveryMs'),
    ...rpoOf(measures),
    budgets,
  };
}

/** From the action's end (the first check's start) to the last `expect` check holding; none when one failed. */
function detection(f: StepReport): number | undefined {
  const expects = f.checks.filter((c) => c.source === 'expect');
  if (expects.length === 0 || expects.some((c) => !c.ok)) return undefined;
  const actionEnd = Math.min(...f.checks.map((c) => c.atMs - c.durationMs));
  return Math.max(0, Math.round(Math.max(...expects.map((c) => c.atMs)) - actionEnd));
}

/** When the steady state held again after `from` started; undefined when it did not. */
function steadyAgain(from: StepReport, final: StepReport | undefined): number | undefined {
  if (from.phase === 'steps') return from.status === 'passed' ? from.endMs : undefined;
  // In the restore, the steady state is the drill's invariants checked after it; without any, the step itself.
  // The final phase ends only with the run (after lab down): its last check is when it held.
  if (final) return final.status === 'passed' ? Math.max(...final.checks.map((c) => c.atMs)) : undefined;
  return from.status === 'passed' ? from.endMs : undefined;
}

function longestWithin(probes: readonly ProbeReport[], startMs: number, endMs: number): { ms: number; probe: string } | undefined {
  let best: { ms: number; probe: string } | undefined;
  for (const p of probes) {
    for (const w of p.windows) {
      const ms = Math.round(Math.min(w.endMs, endMs) - Math.max(w.startMs, startMs));
      if (ms > 0 && (!best || ms > best.ms)) best = { ms, probe: p.probe };
    }
  }
  return best;
}

function rpoOf(measures: readonly MeasureReport[]): { rpoKeys?: number; rpoRevisions?: number } {
  const of = (name: string) => max(measures.filter((m) => m.name === name && typeof m.value === 'number').map((m) => m.value as number));
  const out: { rpoKeys?: number; rpoRevisions?: number } = {};
  const keys = of('rpo.keys');
  const revisions = of('rpo.revisions');
  if (keys !== undefined) out.rpoKeys = keys;
  if (revisions !== undefined) out.rpoRevisions = revisions;
  return out;
}

function max(values: ReadonlyArray<number | undefined>): number | undefined {
  const v = values.filter((x): x is number => x !== undefined);
  return v.length ? Math.max(...v) : undefined;
}
