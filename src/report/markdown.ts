import { displayPath, fmtMeasure, fmtMs, statusWord } from './format.js';
import type { RunReport, StepReport } from './types.js';

/** A table cell: pipes escaped, lines joined, so one value never breaks the table. */
const cell = (s: string | number | undefined) => String(s ?? '').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
/** Inline code that survives backticks in the value. */
const code = (s: string) => (s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);

const HEADLINE: Record<RunReport['status'], string> = {
  passed: 'PASSED', failed: 'FAILED', interrupted: 'INTERRUPTED', invalidated: 'LAB INVALIDATED', error: 'LAB ERROR', incomplete: 'INCOMPLETE',
};

export interface MarkdownOptions {
  /** Relative link to the availability picture, when one was drawn. */
  timeline?: string;
  cwd?: string;
}

function checksCell(s: StepReport): string {
  // Within a step, say which checks are the drill's invariants (in the steady phases all are).
  const inStep = s.phase === 'steps' || s.phase === 'restore';
  return s.checks.map((c) => `${inStep && c.source === 'invariant' ? 'invariant ' : ''}${c.check} ${c.ok ? 'ok' : '**FAILED**'}`).join(', ');
}

function stepLabel(s: StepReport): string {
  if (s.phase === 'steady' || s.phase === 'final') return s.name;
  return `${s.index + 1}. ${s.name}${s.action ? ` (${code(s.action)})` : ''}`;
}

/** summary.md: what happened, in the order an operator asks: did it pass, where did it break, what did it cost. */
export function renderMarkdown(r: RunReport, o: MarkdownOptions = {}): string {
  const out: string[] = [];
  const file = r.drill.file ? displayPath(r.drill.file, o.cwd ?? process.cwd()) : '';
  out.push(`# ${r.drill.title ?? r.drill.name}`, '');
  out.push(`**Status: ${HEADLINE[r.status]}**${r.reason ? ` — ${r.reason}` : ''}`, '');
  out.push('| | |', '|---|---|');
  out.push(`| Drill | ${code(r.drill.name)}${file ? ` (${code(file)})` : ''} |`);
  if (r.startedAt) out.push(`| Started | ${r.startedAt} |`);
  out.push(`| Duration | ${fmtMs(r.durationMs)} |`);
  if (r.exitCode !== undefined) out.push(`| Exit code | ${r.exitCode} |`);
  if (r.lab) {
    const fate = r.lab.removed ? 'removed' : r.lab.downReason ? `kept (${r.lab.downReason})` : 'still up';
    out.push(`| Lab | ${cell(`${r.lab.provider} "${r.lab.name}", ${r.lab.created ? 'created by this run' : 'reused'}, ${fate}${r.lab.invalidated ? ', INVALIDATED' : ''}`)} |`);
  }
  const params = Object.entries(r.params);
  if (params.length) out.push(`| Params | ${params.map(([k, v]) => cell(code(`${k}=${v}`))).join(' ')} |`);
  out.push('');

  out.push('## Steps', '', '| Phase | Step | Status | Duration | Checks |', '|---|---|---|---|---|');
  for (const s of r.steps) {
    out.push(`| ${s.phase} | ${cell(stepLabel(s))} | ${s.status === 'passed' ? 'passed' : `**${statusWord(s.status)}**`} | ${s.status === 'not run' ? '' : fmtMs(s.durationMs)} | ${cell(checksCell(s))} |`);
  }
  out.push('');

  if (r.failures.length) {
    out.push('## Failures', '');
    for (const f of r.failures) {
      const where = f.step ? `${f.kind === 'restore' ? 'restore step' : 'step'} "${f.step}"${f.line ? ` (line ${f.line})` : ''}: ` : '';
      out.push(`- ${where}${f.message.replace(/\r?\n/g, ' ')}`);
      if (f.expected !== undefined) out.push(`  - expected: ${code(f.expected)}`);
      if (f.observed !== undefined) out.push(`  - observed: ${code(f.observed)}`);
    }
    out.push('');
  }

  if (r.restoreNotRun.length && r.status !== 'passed') {
    out.push('## Restore steps that did not run', '', 'The lab may not be whole: run these by hand, or remove the lab.', '');
    out.push(...r.restoreNotRun.map((n) => `- ${n}`), '');
  }

  const figures = r.measures;
  if (figures.length) {
    out.push('## Figures', '', '| Step | Figure | Value |', '|---|---|---|');
    for (const m of figures) out.push(`| ${cell(m.step ?? '(drill)')} | ${cell(m.name)} | ${cell(fmtMeasure(m.value, m.unit))} |`);
    out.push('');
  }

  if (r.probes.length) {
    out.push('## Probes', '');
    for (const p of r.probes) {
      const verdict = p.ok === undefined ? 'not judged (the run ended first)' : p.ok ? 'within budget' : '**over budget / FAILED**';
      out.push(`### ${p.probe}: ${verdict}`, '');
      if (p.message) out.push(p.message, '');
      out.push(`${p.attempts - p.failures} of ${p.attempts} attempts succeeded; ${p.windows.length} unavailable window(s), longest ${fmtMs(p.longestMs)}, total ${fmtMs(p.totalMs)}${p.budgetMs !== undefined ? `; budget ${fmtMs(p.budgetMs)} at a stretch` : ''}.`, '');
      if (p.perStep.length) {
        out.push('| Step | Longest unavailable | Total unavailable |', '|---|---|---|');
        for (const s of p.perStep) out.push(`| ${cell(s.step)} | ${fmtMs(s.longestMs)} | ${fmtMs(s.totalMs)} |`);
        out.push('');
      }
    }
    if (o.timeline) out.push(`![availability timeline](${o.timeline})`, '', `[availability timeline](${o.timeline})`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
