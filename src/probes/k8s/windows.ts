/**
 * Write-availability arithmetic, pure. (Written here because the etcd probe's window maths did not
 * exist yet when this probe was; one of the two should import the other's once both are in.)
 */

export interface Sample {
  /** When the attempt started, ms since the drill started. */
  ms: number;
  ok: boolean;
}

export interface Window {
  startMs: number;
  endMs: number;
}

export interface StepSpan {
  step: string;
  startMs: number;
  endMs: number;
}

/** From the first failed attempt to the next successful one (or the last attempt, if none followed). */
export function unavailableWindows(samples: readonly Sample[]): Window[] {
  const out: Window[] = [];
  let start: number | undefined;
  for (const s of [...samples].sort((a, b) => a.ms - b.ms)) {
    if (!s.ok && start === undefined) start = s.ms;
    else if (s.ok && start !== undefined) {
      out.push({ startMs: start, endMs: s.ms });
      start = undefined;
    }
  }
  if (start !== undefined) out.push({ startMs: start, endMs: Math.max(start, samples.at(-1)?.ms ?? start) });
  return out;
}

const overlap = (w: Window, s: StepSpan): number => Math.max(0, Math.min(w.endMs, s.endMs) - Math.max(w.startMs, s.startMs));

/** Per step: the longest unavailable stretch inside it and the total. */
export function perStep(windows: readonly Window[], steps: readonly StepSpan[]): Array<{ step: string; longestMs: number; totalMs: number }> {
  return steps.map((s) => {
    const parts = windows.map((w) => overlap(w, s)).filter((x) => x > 0);
    return { step: s.step, longestMs: Math.round(Math.max(0, ...parts)), totalMs: Math.round(parts.reduce((a, b) => a + b, 0)) };
  });
}

export function writesVerdict(what: string, samples: readonly Sample[], windows: readonly Window[], budgetMs?: number): { ok: boolean; message: string; expected?: string; observed?: string } {
  const failed = samples.filter((s) => !s.ok).length;
  const longest = Math.round(Math.max(0, ...windows.map((w) => w.endMs - w.startMs)));
  const total = Math.round(windows.reduce((a, w) => a + w.endMs - w.startMs, 0));
  if (samples.length === 0) return { ok: false, message: `${what}: no write attempted`, expected: 'samples', observed: 'none' };
  const head = `${what}: ${samples.length - failed} of ${samples.length} writes succeeded; ${windows.length} unavailable window(s), longest ${longest} ms, total ${total} ms`;
  if (budgetMs !== undefined && longest > budgetMs) {
    return { ok: false, message: `${head}: over the budget of ${budgetMs} ms`, expected: `no window longer than ${budgetMs} ms`, observed: `${longest} ms` };
  }
  return { ok: true, message: budgetMs !== undefined ? `${head}: within the budget of ${budgetMs} ms` : head };
}

/** Step spans from the run's events (`step.start` / `step.end`). */
export function stepSpans(events: ReadonlyArray<{ type: string; ms: number; name?: string }>, nowMs: number): StepSpan[] {
  const open = new Map<string, number>();
  const out: StepSpan[] = [];
  for (const e of events) {
    if (e.type === 'step.start' && e.name) open.set(e.name, e.ms);
    if (e.type === 'step.end' && e.name && open.has(e.name)) {
      out.push({ step: e.name, startMs: open.get(e.name)!, endMs: e.ms });
      open.delete(e.name);
    }
  }
  for (const [step, startMs] of open) out.push({ step, startMs, endMs: nowMs });
  return out;
}
