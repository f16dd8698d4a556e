import { fmtMs } from './format.js';
import type { RunReport } from './types.js';

/** One run as `kdrill history` shows it: from its report.json (or its journal, when the run was cut short). */
export interface HistoryRun {
  drill: string;
  /** The run's folder, as found. */
  dir: string;
  startedAt?: string;
  status: string;
  durationMs: number;
  detectionMs?: number;
  writeGapMs?: number;
  recoveryMs?: number;
  rpoKeys?: number;
  rpoRevisions?: number;
}

export type FigureKey = 'detectionMs' | 'writeGapMs' | 'recoveryMs' | 'rpoKeys' | 'rpoRevisions';

/**
 * The figures a run is judged on, bigger is worse for all. `floor`: a smaller difference is noise, never
 * a regression. Times: 500 ms, what the checks' polling and the write probe's sampling add or take
 * (three real runs of lose-one-of-three here: recovery 945 ms, 1.2 s, 933 ms). RPO: 1 key, 1 revision.
 */
export const FIGURES: ReadonlyArray<{ key: FigureKey; label: string; unit: 'ms' | 'keys' | 'revisions'; floor: number }> = [
  { key: 'detectionMs', label: 'detection', unit: 'ms', floor: 500 },
  { key: 'writeGapMs', label: 'write gap', unit: 'ms', floor: 500 },
  { key: 'recoveryMs', label: 'recovery', unit: 'ms', floor: 500 },
  { key: 'rpoKeys', label: 'RPO keys', unit: 'keys', floor: 1 },
  { key: 'rpoRevisions', label: 'RPO revisions', unit: 'revisions', floor: 1 },
];

export function historyRun(r: RunReport, dir: string): HistoryRun {
  const f = r.figures;
  const out: HistoryRun = { drill: r.drill.name, dir, startedAt: r.startedAt, status: r.status, durationMs: r.durationMs };
  for (const { key } of FIGURES) if (typeof f?.[key] === 'number') out[key] = f[key];
  return out;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const v = [...values].sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1]! + v[mid]!) / 2;
}

/** A figure of one run against the median of the runs before it that have that figure. */
export interface Trend {
  figure: FigureKey;
  value: number;
  median: number;
  earlier: number;
  /** (value − median) / median; Infinity when the median is 0 and the value is not. */
  change: number;
}

export function trendOf(runs: readonly HistoryRun[], index: number, figure: FigureKey): Trend | undefined {
  const value = runs[index]?.[figure];
  if (value === undefined) return undefined;
  const before = runs.slice(0, index).map((r) => r[figure]).filter((v): v is number => v !== undefined);
  const m = median(before);
  if (m === undefined) return undefined;
  const change = m === 0 ? (value === 0 ? 0 : Infinity) : (value - m) / m;
  return { figure, value, median: m, earlier: before.length, change };
}

export interface Regression extends Trend {
  drill: string;
  message: string;
}

/** The last run's figures worse than the median of the earlier ones by more than `limit` (0.25 for 25%). */
export function regressions(runs: readonly HistoryRun[], limit: number): Regression[] {
  const out: Regression[] = [];
  const last = runs.length - 1;
  for (const f of FIGURES) {
    const t = trendOf(runs, last, f.key);
    if (!t || t.value - t.median < f.floor || t.change <= limit) continue;
    const by = Number.isFinite(t.change) ? `${Math.round(t.change * 100)}% over` : 'over';
    const message = `${runs[last]!.drill}: ${f.label} ${show(t.value, f.unit)} is ${by} the median of the ${t.earlier} earlier run${t.earlier === 1 ? '' : 's'} (${show(t.median, f.unit)}), more than ${Math.round(limit * 100)}%`;
    out.push({ ...t, drill: runs[last]!.drill, message });
  }
  return out;
}

export function show(value: number | undefined, unit: string): string {
  if (value === undefined) return '–';
  return unit === 'ms' ? fmtMs(value) : `${Math.round(value * 10) / 10} ${unit}`;
}

/** `25%` or `25` → 0.25; undefined when it is no percentage. */
export function parsePercent(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  return m ? Number(m[1]) / 100 : undefined;
}

/** A change as the table shows it: +12%, −5%, new (over a median of 0). */
export function fmtChange(t: Trend | undefined): string {
  if (!t) return '';
  if (!Number.isFinite(t.change)) return '(up from 0)';
  const pct = Math.round(t.change * 100);
  return `(${pct > 0 ? '+' : pct < 0 ? '−' : '±'}${Math.abs(pct)}%)`;
}
