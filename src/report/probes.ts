import type { DrillEvent } from '../engine/events.js';
import type { ProbeReport, StepReport, WindowReport } from './types.js';

/**
 * A probe's samples and verdict, from its probe.sample / probe.summary events. The summary (emitted
 * when the probe is stopped) is authoritative; without one (a killed run) the windows are worked out
 * here from the samples, the same way: from a failed attempt to the next successful one.
 */
export function collectProbes(events: readonly DrillEvent[], steps: readonly StepReport[]): ProbeReport[] {
  const byName = new Map<string, ProbeReport>();
  const get = (probe: string): ProbeReport => {
    let p = byName.get(probe);
    if (!p) {
      p = { probe, samples: [], attempts: 0, failures: 0, windows: [], longestMs: 0, totalMs: 0, perStep: [] };
      byName.set(probe, p);
    }
    return p;
  };
  const summarized = new Set<string>();
  for (const e of events) {
    if (e.type === 'probe.sample') {
      const p = get(e.probe);
      // The event is emitted when the attempt ends; the attempt began latencyMs earlier.
      p.samples.push({ ms: Math.max(0, Math.round(e.ms - e.latencyMs)), ok: e.ok });
      p.attempts++;
      if (!e.ok) p.failures++;
    } else if (e.type === 'probe.summary') {
      const p = get(e.probe);
      summarized.add(e.probe);
      Object.assign(p, { ok: e.ok, message: e.message, windows: e.windows, perStep: e.perStep, budgetMs: e.budgetMs });
    }
  }
  for (const p of byName.values()) {
    p.samples.sort((a, b) => a.ms - b.ms);
    if (!summarized.has(p.probe)) {
      p.windows = windowsOf(p.samples);
      p.perStep = perStepOf(p.windows, steps);
    }
    p.longestMs = Math.max(0, ...p.windows.map((w) => w.endMs - w.startMs));
    p.totalMs = p.windows.reduce((a, w) => a + w.endMs - w.startMs, 0);
  }
  return [...byName.values()];
}

export function windowsOf(samples: ReadonlyArray<{ ms: number; ok: boolean }>): WindowReport[] {
  const out: WindowReport[] = [];
  let start: number | undefined;
  for (const s of samples) {
    if (!s.ok && start === undefined) start = s.ms;
    else if (s.ok && start !== undefined) {
      out.push({ startMs: start, endMs: s.ms });
      start = undefined;
    }
  }
  if (start !== undefined) out.push({ startMs: start, endMs: Math.max(start, samples.at(-1)?.ms ?? start) });
  return out;
}

function perStepOf(windows: readonly WindowReport[], steps: readonly StepReport[]): ProbeReport['perStep'] {
  return steps
    .filter((s) => s.startMs !== undefined && s.endMs !== undefined && (s.phase === 'steps' || s.phase === 'restore'))
    .map((s) => {
      const parts = windows.map((w) => Math.max(0, Math.min(w.endMs, s.endMs!) - Math.max(w.startMs, s.startMs!))).filter((x) => x > 0);
      return { step: s.name, longestMs: Math.round(Math.max(0, ...parts)), totalMs: Math.round(parts.reduce((a, b) => a + b, 0)) };
    });
}
