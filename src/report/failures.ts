import { FINAL_NAME, STEADY_NAME, type FailureReport, type RunReport } from './types.js';
import { fmtMs } from './format.js';

/** Why the drill did not pass, in the order it happened; every failed check keeps expected/observed. */
export function failuresOf(r: RunReport, labErrors: ReadonlyArray<{ message: string; invalidated: boolean }>): FailureReport[] {
  const out: FailureReport[] = [];
  for (const s of r.steps) {
    const failedChecks = s.checks.filter((c) => !c.ok);
    if (s.phase === 'steady' || s.phase === 'final') {
      const what = s.phase === 'steady' ? 'steady state not met before the first step' : 'steady state not back after the restore';
      for (const c of failedChecks) {
        out.push({ kind: s.phase === 'steady' ? 'steady-state' : 'final-state', step: s.phase === 'steady' ? STEADY_NAME : FINAL_NAME, check: c.check, message: `${what}: ${c.check}: ${c.message}`, expected: c.expected, observed: c.observed });
      }
      continue;
    }
    if (s.status !== 'failed' && s.status !== 'timeout') continue;
    const kind = s.phase === 'restore' ? 'restore' : 'step';
    if (failedChecks.length > 0 && s.status === 'failed') {
      for (const c of failedChecks) out.push({ kind, step: s.name, line: s.line, check: c.check, message: `${c.check}: ${c.message}`, expected: c.expected, observed: c.observed });
    } else {
      out.push({ kind, step: s.name, line: s.line, message: s.error ?? (s.status === 'timeout' ? 'timed out' : 'failed') });
    }
  }
  for (const g of r.guards.filter((x) => x.breached)) {
    const when = g.step !== undefined ? `during step "${g.step}"` : 'before a step ran';
    out.push({ kind: 'guard', check: g.guard, line: g.line, message: `aborted by guard: ${g.guard} — ${g.message ?? 'breached'} (${when})`, expected: g.expected, observed: g.observed });
  }
  for (const p of r.probes) {
    if (p.ok !== false) continue;
    const over = p.budgetMs !== undefined && p.longestMs > p.budgetMs;
    out.push({
      kind: 'probe', check: p.probe, message: p.message ?? `${p.probe} failed`,
      expected: over ? `no unavailable window longer than ${fmtMs(p.budgetMs)}` : undefined,
      observed: over ? `longest window ${fmtMs(p.longestMs)} (${p.windows.length} window${p.windows.length === 1 ? '' : 's'}, ${fmtMs(p.totalMs)} in all)` : undefined,
    });
  }
  for (const b of r.figures?.budgets ?? []) {
    if (!b.ok) out.push({ kind: 'budget', step: b.step, check: `budget ${b.figure}`, message: b.message });
  }
  for (const e of labErrors) out.push({ kind: 'lab', message: e.invalidated ? `lab invalidated: ${e.message}` : e.message });
  if (r.status === 'interrupted' || r.status === 'incomplete') {
    const head = r.status === 'incomplete' ? 'the journal ends before the drill did (kdrill was killed?)' : (r.reason ?? 'interrupted');
    const notRun = r.restoreNotRun.length > 0 ? `; restore steps not run: ${r.restoreNotRun.join(', ')}` : '';
    out.push({ kind: 'interrupted', message: `${head}${notRun}` });
  }
  return out;
}
