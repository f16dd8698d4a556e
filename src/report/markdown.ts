import { showControls } from './escape.js';
import { displayPath, fmtMeasure, fmtMs, labOrigin, statusWord } from './format.js';
import type { RunReport, StepReport } from './types.js';

/**
 * Text from a drill or a command, shown as it is: Markdown and HTML in it are escaped (no heading,
 * link, image, formula or tag of its own), hidden characters shown as escapes, line breaks as <br>.
 */
function text(s: string): string {
  return showControls(s.replace(/\r\n/g, '\n'), '\n\t')
    .replace(/[\\`*_[\]<>!#~&$]/g, '\\$&')
    // what would start a list or an underline at the start of a line
    .replace(/^(\s*)([-+=])/, '$1\\$2').replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2')
    .replace(/\n/g, '<br>');
}
/** Inline code that survives backticks in the value (a fence longer than any run of them inside). */
function code(s: string): string {
  const v = showControls(s);
  const fence = '`'.repeat(Math.max(0, ...(v.match(/`+/g) ?? []).map((run) => run.length)) + 1);
  const pad = v.includes('`') ? ' ' : '';
  return `${fence}${pad}${v}${pad}${fence}`;
}
/** A table cell of Markdown made by text() and code(): pipes escaped, so one value never breaks the table. */
const cell = (s: string | number | undefined) => String(s ?? '').replace(/\|/g, '\\|');

const HEADLINE: Record<RunReport['status'], string> = {
  passed: 'PASSED', failed: 'FAILED', interrupted: 'INTERRUPTED', invalidated: 'LAB INVALIDATED', error: 'LAB ERROR', incomplete: 'INCOMPLETE',
};

/** kdrill's own CPU and event-loop share: shown as a footnote, not as a figure of the lab. */
const OWN = ['kdrill.cpu', 'kdrill.busy'];

/** Detection, write gap, recovery and RPO first: what an operator reports after a drill. */
function figuresSection(r: RunReport): string[] {
  const f = r.figures;
  if (!f || (f.faults.length === 0 && f.writeGapMs === undefined && f.rpoKeys === undefined && f.rpoRevisions === undefined)) return [];
  const rpo = (keys?: number, revisions?: number) => (keys === undefined && revisions === undefined ? '–' : `${keys ?? '–'} keys, ${revisions ?? '–'} revisions`);
  const out = ['## Recovery figures', ''];
  if (f.faults.length) {
    out.push('| Fault | Detection | Longest write gap | Recovered by | Recovery | RPO |', '|---|---|---|---|---|---|');
    for (const x of f.faults) {
      out.push(`| ${cell(`${text(x.step)}${x.action ? ` (${code(x.action)})` : ''}`)} | ${fmtMs(x.detectionMs)} | ${fmtMs(x.writeGapMs)} | ${cell(x.recoveredBy ? text(x.recoveredBy) : '–')} | ${fmtMs(x.recoveryMs)} | ${rpo(x.rpoKeys, x.rpoRevisions)} |`);
    }
    out.push('');
  }
  out.push(`Worst over the run: detection ${fmtMs(f.detectionMs)}, longest write gap ${fmtMs(f.writeGapMs)}, recovery ${fmtMs(f.recoveryMs)}, RPO ${rpo(f.rpoKeys, f.rpoRevisions)}.`, '');
  for (const b of f.budgets) out.push(`- budget: ${b.ok ? '' : '**OVER** '}${text(b.message)}`);
  if (f.budgets.length) out.push('');
  return out;
}

export interface MarkdownOptions {
  /** Relative link to the availability picture, when one was drawn. */
  timeline?: string;
  cwd?: string;
}

function checksCell(s: StepReport): string {
  // Within a step, say which checks are the drill's invariants (in the steady phases all are).
  const inStep = s.phase === 'steps' || s.phase === 'restore';
  return s.checks.map((c) => `${inStep && c.source === 'invariant' ? 'invariant ' : ''}${text(c.check)} ${c.ok ? 'ok' : '**FAILED**'}`).join(', ');
}

function stepLabel(s: StepReport): string {
  if (s.phase === 'steady' || s.phase === 'final') return text(s.name);
  return `${s.index + 1}. ${text(s.name)}${s.action ? ` (${code(s.action)})` : ''}`;
}

/** summary.md: what happened, in the order an operator asks: did it pass, where did it break, what did it cost. */
export function renderMarkdown(r: RunReport, o: MarkdownOptions = {}): string {
  const out: string[] = [];
  const file = r.drill.file ? displayPath(r.drill.file, o.cwd ?? process.cwd()) : '';
  out.push(`# ${text(r.drill.title ?? r.drill.name)}`, '');
  out.push(`**Status: ${HEADLINE[r.status]}**${r.reason ? ` — ${text(r.reason)}` : ''}`, '');
  out.push('| | |', '|---|---|');
  out.push(`| Drill | ${cell(`${code(r.drill.name)}${file ? ` (${code(file)})` : ''}`)} |`);
  if (r.startedAt) out.push(`| Started | ${r.startedAt} |`);
  out.push(`| Duration | ${fmtMs(r.durationMs)} |`);
  if (r.exitCode !== undefined) out.push(`| Exit code | ${r.exitCode} |`);
  if (r.lab) {
    const fate = r.lab.removed ? 'removed' : r.lab.downReason ? `kept (${r.lab.downReason})` : 'still up';
    out.push(`| Lab | ${cell(`${text(r.lab.provider)} "${text(r.lab.name)}", ${labOrigin(r.lab, text)}, ${text(fate)}${r.lab.invalidated ? ', INVALIDATED' : ''}`)} |`);
  }
  const params = Object.entries(r.params);
  if (params.length) out.push(`| Params | ${params.map(([k, v]) => cell(code(`${k}=${v}`))).join(' ')} |`);
  out.push('');

  out.push(...figuresSection(r));

  out.push('## Steps', '', '| Phase | Step | Status | Duration | Checks |', '|---|---|---|---|---|');
  for (const s of r.steps) {
    out.push(`| ${s.phase} | ${cell(stepLabel(s))} | ${s.status === 'passed' ? 'passed' : `**${statusWord(s.status)}**`} | ${s.status === 'not run' ? '' : fmtMs(s.durationMs)} | ${cell(checksCell(s))} |`);
  }
  out.push('');

  if (r.failures.length) {
    out.push('## Failures', '');
    for (const f of r.failures) {
      const where = f.step ? `${f.kind === 'restore' ? 'restore step' : 'step'} "${text(f.step)}"${f.line ? ` (line ${f.line})` : ''}: ` : '';
      out.push(`- ${where}${text(f.message)}`);
      if (f.expected !== undefined) out.push(`  - expected: ${code(f.expected)}`);
      if (f.observed !== undefined) out.push(`  - observed: ${code(f.observed)}`);
    }
    out.push('');
  }

  if (r.guards.length) {
    out.push('## Guards', '', '| Guard | Polls | Verdict |', '|---|---|---|');
    for (const g of r.guards) {
      const verdict = g.breached
        ? `**BREACHED**${g.step !== undefined ? ` during ${text(`"${g.step}"`)}` : ' before a step ran'}: ${text(g.message ?? '')}${g.stopMs !== undefined ? ` (the step stopped ${fmtMs(g.stopMs)} later)` : ''}`
        : 'held';
      out.push(`| ${cell(text(g.guard))} | ${g.polls ?? ''} | ${cell(verdict)} |`);
    }
    out.push('');
  }

  if (r.restoreNotRun.length && r.status !== 'passed') {
    out.push('## Restore steps that did not run', '', 'The lab may not be whole: run these by hand, or remove the lab.', '');
    out.push(...r.restoreNotRun.map((n) => `- ${text(n)}`), '');
  }

  // kdrill's own cost is a footnote: the figures above are the lab's.
  const own = r.measures.filter((m) => OWN.includes(m.name));
  const figures = r.measures.filter((m) => !OWN.includes(m.name));
  if (figures.length) {
    out.push('## Measures', '', '| Step | Figure | Value |', '|---|---|---|');
    for (const m of figures) out.push(`| ${cell(m.step === undefined ? '(drill)' : text(m.step))} | ${cell(text(m.name))} | ${cell(text(fmtMeasure(m.value, m.unit)))} |`);
    out.push('');
  }

  if (r.probes.length) {
    out.push('## Probes', '');
    for (const p of r.probes) {
      // A probe without samples (etcd.history) judges a recorded history, not a budget: its verdict is its message.
      const sampled = p.attempts > 0;
      const verdict = p.ok === undefined ? 'not judged (the run ended first)' : p.ok ? (sampled ? 'within budget' : 'passed') : sampled ? '**over budget / FAILED**' : '**FAILED**';
      out.push(`### ${text(p.probe)}: ${verdict}`, '');
      if (p.message) out.push(...p.message.split('\n').map((l, i, all) => (all.length > 1 ? `- ${text(l.trim())}` : text(l))), '');
      if (sampled) out.push(`${p.attempts - p.failures} of ${p.attempts} attempts succeeded; ${p.windows.length} unavailable window(s), longest ${fmtMs(p.longestMs)}, total ${fmtMs(p.totalMs)}${p.budgetMs !== undefined ? `; budget ${fmtMs(p.budgetMs)} at a stretch` : ''}.`, '');
      if (p.perStep.length) {
        out.push('| Step | Longest unavailable | Total unavailable |', '|---|---|---|');
        for (const s of p.perStep) out.push(`| ${cell(text(s.step))} | ${fmtMs(s.longestMs)} | ${fmtMs(s.totalMs)} |`);
        out.push('');
      }
    }
    if (o.timeline) out.push(`![availability timeline](${o.timeline})`, '', `[availability timeline](${o.timeline})`, '');
  }
  if (own.length) out.push('---', '', `<sub>kdrill itself: ${own.map((m) => `${m.name === 'kdrill.cpu' ? 'CPU' : 'busy'} ${text(fmtMeasure(m.value, m.unit))}`).join(', ')}</sub>`, '');
  return `${out.join('\n').trimEnd()}\n`;
}

