import { fmtMs } from './format.js';
import type { ProbeReport, RunReport } from './types.js';
import { attrs, xmlText } from './xml.js';

const OK = '#2e9d45';
const BAD = '#d63b3b';
const STEP = '#555555';
const RESTORE = '#2b6cb0';
const W = 960;
const LEFT = 170;
const RIGHT = 24;
const LANE = 26;
const GAP = 22;
const LABEL_ROWS = 3;

const el = (name: string, a: Record<string, string | number | undefined>, body?: string) =>
  body === undefined ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${body}</${name}>`;
const r1 = (n: number) => Math.round(n * 10) / 10;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A tick every 1, 2, 5, 10 … seconds: about ten along the axis. */
function tickStep(spanMs: number): number {
  const steps = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000];
  return steps.find((s) => spanMs / s <= 10) ?? 3_600_000;
}

function tickLabel(ms: number, step: number): string {
  if (ms < 60_000) return step < 1000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

/** Consecutive samples of the same outcome drawn as one bar, from the first attempt to the next change. */
function runs(p: ProbeReport, endMs: number): Array<{ ok: boolean; from: number; to: number }> {
  const out: Array<{ ok: boolean; from: number; to: number }> = [];
  p.samples.forEach((s, i) => {
    const to = p.samples[i + 1]?.ms ?? endMs;
    const last = out.at(-1);
    if (last && last.ok === s.ok) last.to = to;
    else out.push({ ok: s.ok, from: s.ms, to });
  });
  return out;
}

/**
 * The availability picture: time across, one lane per probe (green answered, red failed), the
 * unavailable windows shaded, each step's start as a vertical line with its name, the longest
 * window labelled. Plain SVG text, so it opens in a browser and renders on GitHub.
 */
export function renderTimeline(r: RunReport): string | undefined {
  const probes = r.probes.filter((p) => p.samples.length > 0);
  if (probes.length === 0) return undefined;
  const steps = r.steps.filter((s) => (s.phase === 'steps' || s.phase === 'restore') && s.startMs !== undefined);
  const sampleMs = probes.flatMap((p) => p.samples.map((s) => s.ms));
  const t0 = Math.min(...sampleMs, ...steps.map((s) => s.startMs!));
  let t1 = Math.max(...sampleMs, ...steps.map((s) => s.endMs ?? s.startMs!));
  if (t1 <= t0) t1 = t0 + 1000;
  const plotW = W - LEFT - RIGHT;
  const x = (ms: number) => r1(LEFT + ((ms - t0) / (t1 - t0)) * plotW);
  const top = 44 + LABEL_ROWS * 14;
  const laneY = (i: number) => top + i * (LANE + GAP);
  const bottom = laneY(probes.length) - GAP;
  const H = bottom + 84;
  const parts: string[] = [];

  parts.push(el('rect', { x: 0, y: 0, width: W, height: H, fill: '#ffffff' }));
  parts.push(el('text', { x: 12, y: 20, 'font-size': 14, 'font-weight': 'bold' }, xmlText(`Availability: ${r.drill.title ?? r.drill.name}`)));

  probes.forEach((p, i) => {
    const y = laneY(i);
    parts.push(el('text', { x: LEFT - 8, y: y + 12, 'text-anchor': 'end', 'font-size': 12 }, xmlText(clip(p.probe, 24))));
    const sub = `${p.windows.length} window${p.windows.length === 1 ? '' : 's'}${p.budgetMs !== undefined ? `, budget ${fmtMs(p.budgetMs)}` : ''}`;
    parts.push(el('text', { x: LEFT - 8, y: y + 24, 'text-anchor': 'end', 'font-size': 10, fill: '#666666' }, xmlText(sub)));
    parts.push(el('rect', { x: LEFT, y, width: plotW, height: LANE, fill: '#f4f4f4' }));
    for (const run of runs(p, t1)) {
      parts.push(el('rect', { class: run.ok ? 'ok' : 'failed', x: x(run.from), y: y + 4, width: Math.max(0.5, r1(x(run.to) - x(run.from))), height: LANE - 8, fill: run.ok ? OK : BAD }));
    }
    const longest = p.windows.reduce<(typeof p.windows)[number] | undefined>((a, w) => (!a || w.endMs - w.startMs > a.endMs - a.startMs ? w : a), undefined);
    for (const w of p.windows) {
      const over = p.budgetMs !== undefined && w.endMs - w.startMs > p.budgetMs;
      parts.push(el('rect', {
        class: 'window', 'data-start-ms': w.startMs, 'data-end-ms': w.endMs, x: x(w.startMs), y: y - 3, width: Math.max(1, r1(x(w.endMs) - x(w.startMs))), height: LANE + 6,
        fill: BAD, 'fill-opacity': 0.2, stroke: BAD, 'stroke-dasharray': over ? undefined : '3,2',
      }, el('title', {}, xmlText(`unavailable ${fmtMs(w.endMs - w.startMs)} (${tickLabel(w.startMs, 100)} to ${tickLabel(w.endMs, 100)})`))));
    }
    if (longest && longest.endMs > longest.startMs) {
      const mid = x((longest.startMs + longest.endMs) / 2);
      parts.push(el('text', { class: 'longest', x: mid, y: y + LANE + 14, 'text-anchor': 'middle', 'font-size': 11, fill: BAD, 'font-weight': 'bold' }, xmlText(`longest ${fmtMs(longest.endMs - longest.startMs)}`)));
    }
  });

  steps.forEach((s, i) => {
    const sx = x(s.startMs!);
    const color = s.phase === 'restore' ? RESTORE : STEP;
    const name = s.phase === 'restore' ? `restore: ${s.name}` : s.name;
    parts.push(el('line', { class: 'step', x1: sx, y1: 30 + (i % LABEL_ROWS) * 14, x2: sx, y2: bottom + 4, stroke: color, 'stroke-dasharray': '4,3', 'stroke-width': 1 }));
    parts.push(el('text', { x: sx + 3, y: 40 + (i % LABEL_ROWS) * 14, 'font-size': 11, fill: color }, `${el('title', {}, xmlText(name))}${xmlText(clip(name, 28))}`));
  });

  const step = tickStep(t1 - t0);
  parts.push(el('line', { x1: LEFT, y1: bottom + 8, x2: LEFT + plotW, y2: bottom + 8, stroke: '#333333' }));
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    parts.push(el('line', { x1: x(t), y1: bottom + 8, x2: x(t), y2: bottom + 13, stroke: '#333333' }));
    parts.push(el('text', { x: x(t), y: bottom + 25, 'text-anchor': 'middle', 'font-size': 10 }, tickLabel(t, step)));
  }
  parts.push(el('text', { x: LEFT - 8, y: bottom + 25, 'text-anchor': 'end', 'font-size': 10, fill: '#666666' }, 'since start'));

  const ly = bottom + 50;
  const legend: Array<[string, string]> = [
    [el('rect', { x: 0, y: -9, width: 14, height: 10, fill: OK }), 'answered'],
    [el('rect', { x: 0, y: -9, width: 14, height: 10, fill: BAD }), 'failed'],
    [el('rect', { x: 0, y: -11, width: 14, height: 14, fill: BAD, 'fill-opacity': 0.2, stroke: BAD, 'stroke-dasharray': '3,2' }), 'unavailable window'],
    [el('line', { x1: 7, y1: -12, x2: 7, y2: 4, stroke: STEP, 'stroke-dasharray': '4,3' }), 'step starts'],
    [el('line', { x1: 7, y1: -12, x2: 7, y2: 4, stroke: RESTORE, 'stroke-dasharray': '4,3' }), 'restore step starts'],
  ];
  legend.forEach(([mark, label], i) => {
    parts.push(el('g', { class: 'legend', transform: `translate(${LEFT + i * 150},${ly})` }, `${mark}${el('text', { x: 20, y: 0, 'font-size': 11 }, label)}`));
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    ...parts.map((p) => `  ${p}`),
    '</svg>',
    '',
  ].join('\n');
}
