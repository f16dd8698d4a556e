import type { DrillEvent, DrillOutline, Subscriber } from '../../engine/events.js';
import { fmtMeasure, fmtMs } from '../format.js';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Local wall-clock time of an event, to the millisecond: what an operator compares with other logs. */
export function clock(iso: string): string {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

const STEP_MARK: Record<string, string> = { passed: '✔ passed', failed: '✖ failed', timeout: '✖ timed out', interrupted: '■ interrupted', skipped: '- skipped' };

/**
 * Plain progress: one timestamped line per thing that happened, nothing redrawn. For logs, CI and
 * any stdout that is not a terminal.
 */
export function plainProgress(write: (line: string) => void): Subscriber {
  let outline: DrillOutline | undefined;
  const say = (e: DrillEvent, text: string) => write(`${clock(e.t)} ${text}`);
  return (e) => {
    switch (e.type) {
      case 'drill.start':
        outline = e.outline;
        say(e, `drill ${e.drill.name}${e.drill.title ? ` — ${e.drill.title}` : ''} (${e.drill.file})`);
        break;
      case 'lab.up':
        say(e, `lab ${e.provider} "${e.name}" up (${e.adopted ? `adopted: ${e.adopted}` : e.created ? 'created' : 'reused'}${e.nodes.length ? `; ${e.nodes.length} node${e.nodes.length === 1 ? '' : 's'}: ${e.nodes.join(', ')}` : ''})`);
        break;
      case 'lab.down':
        say(e, `lab ${e.provider} "${e.name}" ${e.removed ? 'removed' : `kept (${e.reason})`}`);
        break;
      case 'lab.error':
        say(e, `✖ lab ${e.invalidated ? 'invalidated' : 'error'}: ${e.message}`);
        break;
      case 'phase.start':
        if (e.phase === 'steady') say(e, '▶ steady state: the invariants must hold before the first step');
        if (e.phase === 'restore') say(e, '── restore (always runs)');
        if (e.phase === 'final') say(e, '▶ steady state after the restore');
        break;
      case 'step.start': {
        const total = e.phase === 'restore' ? outline?.restore.length : e.phase === 'steps' ? outline?.steps.length : undefined;
        const pos = `${e.index + 1}${total ? `/${total}` : ''}`;
        say(e, `▶ ${e.phase === 'restore' ? 'restore' : 'step'} ${pos} ${e.name} (${e.action})`);
        break;
      }
      case 'step.end': {
        const mark = STEP_MARK[e.status] ?? e.status;
        say(e, `  ${mark} ${fmtMs(e.durationMs)}${e.error && e.status !== 'interrupted' ? `: ${oneLine(e.error)}` : ''}`);
        break;
      }
      case 'check.end':
        say(e, `    ${e.ok ? '✔' : '✖'} ${e.check}: ${oneLine(e.message)}${e.source === 'invariant' ? ' [invariant]' : ''}`);
        if (!e.ok && e.expected !== undefined) say(e, `        expected: ${oneLine(e.expected)}`);
        if (!e.ok && e.observed !== undefined) say(e, `        observed: ${oneLine(e.observed)}`);
        break;
      case 'measure':
        say(e, `    · ${e.name} = ${fmtMeasure(e.value, e.unit)}`);
        break;
      case 'probe.summary':
        say(e, `${e.ok ? '✔' : '✖'} probe ${e.probe}: ${oneLine(e.message)}`);
        for (const s of e.perStep.filter((x) => x.totalMs > 0)) say(e, `    ${s.step}: longest ${fmtMs(s.longestMs)} unavailable, ${fmtMs(s.totalMs)} in all`);
        break;
      case 'guard.breach':
        say(e, `✖ guard ${e.guard} breached${e.step !== undefined ? ` during "${e.step}"` : ''}: ${oneLine(e.message)}; stopping the steps, then the restore`);
        break;
      case 'budget':
        say(e, `${e.ok ? '✔' : '✖'} budget ${oneLine(e.message)}`);
        break;
      case 'log':
        say(e, `  ${e.level === 'info' ? '·' : e.level === 'warn' ? '! warning:' : '✖ error:'} ${oneLine(e.message)}`);
        break;
      case 'interrupt':
        say(e, e.count === 1 ? `! ${e.signal}: stopping the running step, then the restore (again to exit at once)` : `! ${e.signal} again: exiting now`);
        break;
      case 'drill.end':
        say(e, `${e.status.toUpperCase()} in ${fmtMs(e.durationMs)} (exit ${e.exitCode})${e.reason ? `: ${oneLine(e.reason)}` : ''}`);
        if (e.restoreNotRun?.length) say(e, `! restore steps NOT run: ${e.restoreNotRun.join(', ')}`);
        break;
      default:
        break;
    }
  };
}

function oneLine(s: string): string {
  const line = s.replace(/\s*\r?\n\s*/g, ' ⏎ ');
  return line.length > 400 ? `${line.slice(0, 399)}…` : line;
}
