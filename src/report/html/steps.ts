import { prettyCommand } from '../../exec/errors.js';
import type { CommandRun } from '../commands.js';
import { fmtMeasure, fmtMs, statusWord } from '../format.js';
import { html } from '../html-text.js';
import type { CheckReport, StepReport } from '../types.js';
import { valueHtml } from './values.js';

/** What report.html says of a step it does not know (a key another reporter added): shown as data. */
const KNOWN = new Set(['phase', 'index', 'name', 'action', 'status', 'durationMs', 'startMs', 'endMs', 'error', 'output', 'explain', 'line', 'data', 'checks', 'measures']);

const statusClass = (s: string) => html(s.replace(/\s+/g, '-'));

/** One step (or steady-state check) of the run: its explanation, checks, figures, output and commands. */
export function stepHtml(s: StepReport, commands: readonly CommandRun[], startedAt: string | undefined): string {
  const number = s.phase === 'steps' || s.phase === 'restore' ? `${s.index + 1}. ` : '';
  const meta = [s.status === 'not run' ? '' : fmtMs(s.durationMs), s.line ? `line ${s.line}` : '', s.startMs !== undefined ? `at +${fmtMs(s.startMs)}` : ''].filter(Boolean).join(' · ');
  const out = [
    `<section class="step ${statusClass(s.status)}" data-phase="${html(s.phase)}" data-status="${html(s.status)}">`,
    `<h3><span class="badge ${statusClass(s.status)}">${html(statusWord(s.status).toUpperCase())}</span> ${number}${html(s.name)}${s.action ? ` <code>${html(s.action)}</code>` : ''} <span class="meta">${html(meta)}</span></h3>`,
  ];
  if (s.explain) out.push(`<p class="explain">${html(s.explain)}</p>`);
  if (s.checks.length) out.push(checksHtml(s));
  if (s.error) out.push(`<p><strong>Error</strong></p><pre class="error">${html(s.error)}</pre>`);
  if (s.measures.length) out.push(`<p>Figures: ${s.measures.map((m) => `${html(m.name)} = <strong>${html(fmtMeasure(m.value, m.unit))}</strong>`).join(', ')}</p>`);
  if (s.output) out.push(`<p><strong>Output</strong></p><pre class="output">${html(s.output)}</pre>`);
  if (s.data && Object.keys(s.data).length) out.push(`<p><strong>Data</strong></p>${valueHtml(s.data)}`);
  for (const [k, v] of Object.entries(s)) if (!KNOWN.has(k) && v !== undefined) out.push(`<p><strong>${html(k)}</strong></p>${valueHtml(v, k)}`);
  if (commands.length) out.push(commandsHtml(commands, startedAt));
  out.push('</section>');
  return out.join('\n');
}

function checksHtml(s: StepReport): string {
  const inStep = s.phase === 'steps' || s.phase === 'restore';
  const row = (c: CheckReport) => {
    const kind = inStep && c.source === 'invariant' ? ' <span class="muted">(invariant)</span>' : c.source === 'wait' ? ' <span class="muted">(wait)</span>' : '';
    return `<tr class="check ${c.ok ? 'passed' : 'failed'}" data-check="${html(c.check)}" data-ok="${c.ok}">`
      + `<td>${html(c.check)}${kind}</td><td class="result">${c.ok ? '✔ passed' : '✖ FAILED'}</td>`
      + `<td>${c.expected === undefined ? '' : `<code>${html(c.expected)}</code>`}</td><td>${c.observed === undefined ? '' : `<code>${html(c.observed)}</code>`}</td>`
      + `<td>${html(c.message)}</td></tr>`;
  };
  return `<table class="checks"><colgroup><col class="check"><col class="result"><col class="eo"><col class="eo"><col></colgroup><thead><tr><th>Check</th><th>Result</th><th>Expected</th><th>Observed</th><th>Detail</th></tr></thead><tbody>\n${s.checks.map(row).join('\n')}\n</tbody></table>`;
}

/** The commands as a person would paste them into a shell, with their exit codes and times. */
export function commandsHtml(commands: readonly CommandRun[], startedAt: string | undefined): string {
  const t0 = startedAt ? Date.parse(startedAt) : NaN;
  const clock = (ms: number) => (Number.isFinite(t0) ? new Date(t0 + ms).toISOString().slice(11, 23) : '');
  const row = (c: CommandRun) => {
    const ok = c.exitCode === 0 && !c.error;
    const exit = c.exitCode !== undefined ? String(c.exitCode) : 'none';
    const times = c.count > 1 ? `×${c.count}, until +${fmtMs(c.lastEndMs)}, ${fmtMs(c.durationMs)} in all` : fmtMs(c.durationMs);
    return `<tr class="command"><td>+${html(fmtMs(c.startMs))}${clock(c.startMs) ? `<br><span class="muted">${html(clock(c.startMs))}</span>` : ''}</td>`
      + `<td><code>${html(prettyCommand(c.argv))}</code>${c.via ? ' <span class="muted">(Docker Engine API)</span>' : ''}${c.error ? `<br><span class="muted">${html(c.error)}</span>` : ''}</td>`
      + `<td class="exit${ok ? '' : ' nonzero'}">${html(exit)}</td><td>${html(times)}</td></tr>`;
  };
  return `<table class="commands"><colgroup><col class="at"><col><col class="exit"><col class="took"></colgroup><thead><tr><th>Started (UTC)</th><th>Command</th><th>Exit</th><th>Took</th></tr></thead><tbody>\n${commands.map(row).join('\n')}\n</tbody></table>`;
}
