import { showControls } from './escape.js';
import { FIGURES, fmtChange, median, show, trendOf, type HistoryRun, type Regression } from './history.js';

/** Text from a report, safe in HTML: tags and entities escaped, hidden characters shown as escapes. */
const esc = (s: unknown) => showControls(String(s ?? '')).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const W = 460;
const H = 140;
const PAD = { l: 84, r: 12, t: 12, b: 24 };

/** One figure over the runs: a line through the runs that have it, the median of the earlier ones dashed. */
function chart(runs: readonly HistoryRun[], f: (typeof FIGURES)[number]): string {
  const points = runs.map((r, i) => ({ i, v: r[f.key] })).filter((p): p is { i: number; v: number } => p.v !== undefined);
  if (points.length === 0) return '';
  const top = Math.max(...points.map((p) => p.v)) || 1;
  const x = (i: number) => PAD.l + (runs.length === 1 ? (W - PAD.l - PAD.r) / 2 : (i / (runs.length - 1)) * (W - PAD.l - PAD.r));
  const y = (v: number) => PAD.t + (1 - v / top) * (H - PAD.t - PAD.b);
  const earlier = median(points.filter((p) => p.i < runs.length - 1).map((p) => p.v));
  const line = points.map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const dots = points.map((p) => `<circle cx="${x(p.i).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="3.5" fill="${runs[p.i]!.status === 'passed' ? '#1f77b4' : '#d62728'}"><title>${esc(runs[p.i]!.startedAt ?? runs[p.i]!.dir)}: ${esc(show(p.v, f.unit))} (${esc(runs[p.i]!.status)})</title></circle>`).join('');
  const med = earlier === undefined ? '' : `<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${y(earlier).toFixed(1)}" y2="${y(earlier).toFixed(1)}" stroke="#888" stroke-dasharray="4,3"/><text x="${W - PAD.r}" y="${(y(earlier) - 3).toFixed(1)}" text-anchor="end" class="m">median of earlier runs ${esc(show(earlier, f.unit))}</text>`;
  return `<figure><figcaption>${esc(f.label)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(f.label)} per run">`
    + `<line x1="${PAD.l}" x2="${PAD.l}" y1="${PAD.t}" y2="${H - PAD.b}" stroke="#ccc"/><line x1="${PAD.l}" x2="${W - PAD.r}" y1="${H - PAD.b}" y2="${H - PAD.b}" stroke="#ccc"/>`
    + `<text x="${PAD.l - 4}" y="${PAD.t + 8}" text-anchor="end" class="m">${esc(show(top, f.unit))}</text><text x="${PAD.l - 4}" y="${H - PAD.b}" text-anchor="end" class="m">0</text>`
    + `<text x="${PAD.l}" y="${H - 6}" class="m">run 1</text><text x="${W - PAD.r}" y="${H - 6}" text-anchor="end" class="m">run ${runs.length}</text>`
    + `${med}<polyline points="${line}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>${dots}</svg></figure>`;
}

function table(runs: readonly HistoryRun[]): string {
  const head = ['date', 'verdict', 'duration', ...FIGURES.map((f) => f.label)].map((h) => `<th>${esc(h)}</th>`).join('');
  const rows = runs.map((r, i) => {
    const cells = FIGURES.map((f) => `<td>${esc(show(r[f.key], f.unit))} <small>${esc(fmtChange(trendOf(runs, i, f.key)))}</small></td>`).join('');
    return `<tr><td title="${esc(r.dir)}">${esc(r.startedAt ?? '?')}</td><td class="${r.status === 'passed' ? 'ok' : 'bad'}">${esc(r.status)}</td><td>${esc(show(r.durationMs, 'ms'))}</td>${cells}</tr>`;
  }).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/** `kdrill history --html`: one self-contained page (no script, no external asset), a chart per figure. */
export function renderHistoryHtml(drills: ReadonlyMap<string, HistoryRun[]>, found: readonly Regression[], warnings: readonly string[], generatedAt: string): string {
  const sections = [...drills].map(([name, runs]) => {
    const charts = FIGURES.map((f) => chart(runs, f)).filter(Boolean).join('\n');
    const worse = found.filter((g) => g.drill === name).map((g) => `<li>${esc(g.message)}</li>`).join('');
    return `<section><h2>${esc(name)} <small>${runs.length} run${runs.length === 1 ? '' : 's'}</small></h2>\n${worse ? `<ul class="bad">${worse}</ul>` : ''}${table(runs)}\n<div class="charts">${charts || '<p>No recovery figures in these runs.</p>'}</div></section>`;
  }).join('\n');
  const skipped = warnings.length ? `<details><summary>${warnings.length} folder note(s)</summary><ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></details>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kdrill history</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;white-space:nowrap}th{background:#f4f4f4}
.ok{color:#176b1c}.bad{color:#b00020}small{color:#666}.charts{display:flex;flex-wrap:wrap;gap:1em}
figure{margin:0}figcaption{font-weight:600}.m{font-size:10px;fill:#666}section{break-inside:avoid;margin-bottom:2em}
</style></head><body>
<h1>kdrill history</h1>
<p>Generated ${esc(generatedAt)}. Each figure is the worst of the run (README, "Recovery figures"); in brackets, the change against the median of the earlier runs.</p>
${sections || '<p>No runs.</p>'}
${skipped}
</body></html>
`;
}
