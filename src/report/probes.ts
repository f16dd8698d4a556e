import type { DrillEvent } from '../engine/events.js';
import { gapsPerStep, unavailableWindows } from '../probes/windows.js';
import type { ProbeReport, StepReport, WindowReport } from './types.js';

/**
 * A probe's samples and verdict, from its probe.sample / probe.summary events. The summary (emitted
 * when the probe is stopped) is authoritative; without one (a killed run) the windows are worked out
 * from the samples with the probes' own arithmetic (src/probes/windows.ts), so both mean the same.
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
      // Sample times here are attempt starts: a window ends when the next successful attempt began.
      p.windows = unavailableWindows(p.samples.map((x) => ({ ...x, latencyMs: 0 }))).map(({ startMs, endMs }) => ({ startMs, endMs }));
      const marks = steps.filter((x) => x.startMs !== undefined && (x.phase === 'steps' || x.phase === 'restore')).map((x) => ({ name: x.name, ms: x.startMs! }));
      p.perStep = gapsPerStep(p.windows, marks);
    }
    p.longestMs = Math.max(0, ...p.windows.map((w) => w.endMs - w.startMs));
    p.totalMs = p.windows.reduce((a, w) => a + w.endMs - w.startMs, 0);
  }
  return [...byName.values()];
}
