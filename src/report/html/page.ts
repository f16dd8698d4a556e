import type { DrillEvent } from '../../engine/events.js';
import { commandsByStep } from '../commands.js';
import { displayPath, fmtMeasure, fmtMs, labOrigin } from '../format.js';
import { html } from '../html-text.js';
import type { RunReport, StepReport } from '../types.js';
import { commandsHtml, stepHtml } from './steps.js';
import { STYLE } from './style.js';
import { label, valueHtml } from './values.js';

/** Keys of report.json this page lays out itself; any other (figures added later) is shown under Figures. */
const LAID_OUT = new Set(['drill', 'kdrillVersion', 'runId', 'runDir', 'status', 'exitCode', 'reason', 'startedAt', 'endedAt', 'durationMs', 'params', 'lab', 'steps', 'failures', 'measures', 'probes', 'restoreNotRun', 'interrupts']);

const HEADLINE: Record<RunReport['status'], string> = {
  passed: 'PASSED', failed: 'FAILED', interrupted: 'INTERRUPTED', invalidated: 'LAB INVALIDATED', error: 'LAB ERROR', incomplete: 'INCOMPLETE',
};

/** kdrill's own cost, a footnote: the figures an operator reports are the drill's. */
const isOwn = (name: string) => name.startsWith('kdrill.');

export interface HtmlOptions {
  /** The availability picture (timeline.svg's text), drawn inline. */
  timeline?: string;
  cwd?: string;
}

/**
 * report.html: the run as one page a person opens and an auditor keeps. Self-contained (inline
 * style, inline picture, no script; its Content-Security-Policy forbids loading anything), and
 * everything from the drill or a command is escaped by html(). Order: verdict, figures, timeline,
 * the steps with their checks and commands, the restore.
 */
export function renderHtml(r: RunReport, events: readonly DrillEvent[], o: HtmlOptions = {}): string {
  const { byStep, outside } = commandsByStep(events, r.steps);
  const step = (s: StepReport) => stepHtml(s, byStep.get(s) ?? [], r.startedAt);
  const title = r.drill.title ?? r.drill.name;
  const out: string[] = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${html(`${HEADLINE[r.status] ?? r.status}: ${title}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<h1>${html(title)}</h1>`,
    `<div class="verdict ${html(r.status)}" id="verdict" data-status="${html(r.status)}"><strong>${html(HEADLINE[r.status] ?? r.status)}</strong>${r.reason ? ` — ${html(r.reason)}` : ''}</div>`,
    factsHtml(r, o.cwd ?? process.cwd()),
  ];

  if (r.failures.length) {
    out.push('<h2>Why it did not pass</h2>', '<ul class="failures">');
    for (const f of r.failures) {
      const where = f.step ? `${f.kind === 'restore' ? 'restore step' : 'step'} “${html(f.step)}”${f.line ? ` (line ${f.line})` : ''}: ` : '';
      const eo = [f.expected !== undefined ? `expected <code>${html(f.expected)}</code>` : '', f.observed !== undefined ? `observed <code>${html(f.observed)}</code>` : ''].filter(Boolean).join(', ');
      out.push(`<li>${where}${html(f.message)}${eo ? `<br>${eo}` : ''}</li>`);
    }
    out.push('</ul>');
  }

  const extra = Object.entries(r).filter(([k, v]) => !LAID_OUT.has(k) && v !== undefined);
  const figures = r.measures.filter((m) => !isOwn(m.name));
  if (extra.length || figures.length) {
    out.push('<h2>Figures</h2>', '<div class="figures">');
    for (const [k, v] of extra) out.push(`<h3>${html(label(k))}</h3>`, valueHtml(v, k));
    if (figures.length) {
      out.push('<table class="measures"><thead><tr><th>Step</th><th>Figure</th><th>Value</th></tr></thead><tbody>');
      for (const m of figures) out.push(`<tr><td>${m.step === undefined ? '(drill)' : html(m.step)}</td><td>${html(m.name)}</td><td><strong>${html(fmtMeasure(m.value, m.unit))}</strong></td></tr>`);
      out.push('</tbody></table>');
    }
    out.push('</div>');
  }

  if (r.probes.length) {
    out.push('<h2>Availability</h2>');
    for (const p of r.probes) {
      const verdict = p.ok === undefined ? 'not judged (the run ended first)' : p.ok ? 'within budget' : 'OVER BUDGET / FAILED';
      out.push(`<p><strong>${html(p.probe)}</strong>: ${verdict}. ${p.attempts - p.failures} of ${p.attempts} attempts answered; ${p.windows.length} unavailable window(s), longest ${fmtMs(p.longestMs)}, total ${fmtMs(p.totalMs)}${p.budgetMs !== undefined ? `; budget ${fmtMs(p.budgetMs)} at a stretch` : ''}.${p.message ? ` ${html(p.message)}` : ''}</p>`);
    }
    // timeline.svg escapes its own text (xml.ts); its markup is kdrill's.
    if (o.timeline) out.push(`<figure class="timeline" id="timeline">${o.timeline.replace(/^<\?xml[^>]*>\s*/, '')}</figure>`);
  }

  const phase = (p: StepReport['phase']) => r.steps.filter((s) => s.phase === p);
  if (phase('steady').length) out.push('<h2>Steady state</h2>', ...phase('steady').map(step));
  out.push('<h2>Steps</h2>', ...phase('steps').map(step));
  out.push('<h2>Restore</h2>');
  if (r.restoreNotRun.length && r.status !== 'passed') {
    out.push(`<p class="failures">Restore steps that did not run: the lab may not be whole. Run them by hand, or remove the lab: ${r.restoreNotRun.map((n) => `“${html(n)}”`).join(', ')}.</p>`);
  }
  out.push(...phase('restore').map(step), ...phase('final').map(step));
  if (outside.length) out.push('<h2>Commands outside the steps</h2>', '<p class="muted">Bringing the lab up and down, and anything between steps.</p>', commandsHtml(outside, r.startedAt));

  const own = r.measures.filter((m) => isOwn(m.name));
  if (own.length) out.push(`<p class="footnote">kdrill itself: ${own.map((m) => `${html(m.name)} = ${html(fmtMeasure(m.value, m.unit))}`).join(', ')}.</p>`);
  out.push('</body></html>', '');
  return out.join('\n');
}

function factsHtml(r: RunReport, cwd: string): string {
  const rows: Array<[string, string]> = [];
  rows.push(['Drill', `<code>${html(r.drill.name)}</code>${r.drill.file ? ` (<code>${html(displayPath(r.drill.file, cwd))}</code>)` : ''}`]);
  rows.push(['Drill file sha256', r.drill.sha256 ? `<code>${html(r.drill.sha256)}</code>` : '<span class="muted">not recorded</span>']);
  rows.push(['kdrill version', r.kdrillVersion ? html(r.kdrillVersion) : '<span class="muted">not recorded</span>']);
  if (r.lab) {
    const fate = r.lab.removed ? 'removed' : r.lab.downReason ? `kept (${r.lab.downReason})` : 'still up';
    const nodes = r.lab.nodes.length ? `; nodes: ${r.lab.nodes.map((n) => `<code>${html(n)}</code>`).join(', ')}` : '';
    rows.push(['Lab', `${html(r.lab.provider)} “${html(r.lab.name)}”, ${labOrigin(r.lab, html)}, ${html(fate)}${r.lab.invalidated ? ', <strong>INVALIDATED</strong>' : ''}${nodes}`]);
  }
  if (r.startedAt) rows.push(['Started', html(r.startedAt)]);
  if (r.endedAt) rows.push(['Ended', html(r.endedAt)]);
  rows.push(['Duration', html(fmtMs(r.durationMs))]);
  if (r.exitCode !== undefined) rows.push(['Exit code', String(r.exitCode)]);
  const params = Object.entries(r.params);
  if (params.length) rows.push(['Params', params.map(([k, v]) => `<code>${html(`${k}=${v}`)}</code>`).join(' ')]);
  if (r.interrupts.length) rows.push(['Interrupts', r.interrupts.map((i) => `${html(i.signal)} at +${fmtMs(i.atMs)}`).join(', ')]);
  if (r.runId) rows.push(['Run', `<code>${html(r.runId)}</code>`]);
  return `<table class="facts">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('\n')}</table>`;
}
