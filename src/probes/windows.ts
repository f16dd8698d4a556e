/** Write-availability arithmetic shared by every write probe (etcd.writes, k8s.writes): pure functions. */
import { formatDuration } from '../drill/duration.js';
import type { Verdict } from '../engine/types.js';

/** One write attempt of the probe: when it started (ms since the drill started) and how it ended. */
export interface WriteSample {
  ms: number;
  ok: boolean;
  latencyMs: number;
}

export interface Window {
  startMs: number;
  endMs: number;
  /** The probe stopped before a write succeeded again. */
  open?: boolean;
}

/**
 * Unavailable windows: from the start of the first failed write to the acknowledgement of the next
 * successful one (what a client of the cluster waited for).
 */
export function unavailableWindows(samples: WriteSample[]): Window[] {
  const out: Window[] = [];
  let start: number | undefined;
  for (const s of [...samples].sort((a, b) => a.ms - b.ms)) {
    if (!s.ok) start ??= s.ms;
    else if (start !== undefined) {
      out.push({ startMs: start, endMs: s.ms + s.latencyMs });
      start = undefined;
    }
  }
  if (start !== undefined) {
    const last = samples.reduce((m, s) => Math.max(m, s.ms + s.latencyMs), start);
    out.push({ startMs: start, endMs: last, open: true });
  }
  return out;
}

export interface StepMark {
  name: string;
  ms: number;
}

export interface StepGaps {
  step: string;
  longestMs: number;
  totalMs: number;
}

export const BEFORE_STEPS = '(before the first step)';

/** Longest and total unavailability per step; a window belongs to the step during which it began (the fault's step). */
export function gapsPerStep(windows: Window[], steps: StepMark[]): StepGaps[] {
  const marks = [...steps].sort((a, b) => a.ms - b.ms);
  const stepAt = (ms: number): string => marks.filter((m) => m.ms <= ms).pop()?.name ?? BEFORE_STEPS;
  const out = new Map<string, StepGaps>(marks.map((m) => [m.name, { step: m.name, longestMs: 0, totalMs: 0 }]));
  for (const w of windows) {
    const name = stepAt(w.startMs);
    const g = out.get(name) ?? { step: name, longestMs: 0, totalMs: 0 };
    const d = w.endMs - w.startMs;
    g.longestMs = Math.max(g.longestMs, d);
    g.totalMs += d;
    out.set(name, g);
  }
  return [...out.values()].map((g) => ({ ...g, longestMs: Math.round(g.longestMs), totalMs: Math.round(g.totalMs) }));
}

/** Fails when the longest window exceeds the budget (an open window always counts). */
export function budgetVerdict(windows: Window[], perStep: StepGaps[], budgetMs: number, samples: number): Verdict {
  if (samples === 0) return { ok: false, message: 'no write was attempted' };
  if (windows.length === 0) return { ok: true, message: `writes never unavailable (${samples} writes; budget ${formatDuration(budgetMs)})` };
  const longest = windows.reduce((a, b) => (b.endMs - b.startMs > a.endMs - a.startMs ? b : a));
  const longestMs = longest.endMs - longest.startMs;
  const total = windows.reduce((t, w) => t + w.endMs - w.startMs, 0);
  const where = perStep.find((g) => g.longestMs === Math.round(longestMs))?.step;
  const text = `longest write gap ${formatDuration(longestMs)}${where ? ` (in "${where}")` : ''}${longest.open ? ', still unavailable at the end' : ''}; ` +
    `${windows.length} gap${windows.length === 1 ? '' : 's'}, ${formatDuration(total)} in all; budget ${formatDuration(budgetMs)}`;
  const ok = longestMs <= budgetMs && !longest.open;
  return ok
    ? { ok, message: `${text}: within` }
    : { ok, message: `${text}: exceeded`, expected: `≤ ${formatDuration(budgetMs)}`, observed: formatDuration(longestMs) };
}
