import type { DrillEvent } from '../../engine/events.js';
import { fmtMeasure, fmtMs, statusWord } from '../format.js';

/** How a slot of the progress tree ended. */
export interface SlotResult {
  status: 'passed' | 'failed' | 'skipped';
  title?: string;
  message?: string;
}

export interface Slot {
  key: string;
  title: string;
  state: 'waiting' | 'running' | 'done';
  lines: string[];
  result: Promise<SlotResult>;
  /** Called with each output line while the slot runs (set by the renderer once its task started). */
  onLine?: (line: string) => void;
  onTitle?: (title: string) => void;
  settle(r: SlotResult): void;
}

export interface DrillShape {
  steps: ReadonlyArray<{ name: string; action?: string }>;
  restore: ReadonlyArray<{ name: string; action?: string }>;
  invariants?: readonly unknown[];
  probes?: readonly unknown[];
}

function slot(key: string, title: string): Slot {
  let settle!: (r: SlotResult) => void;
  const result = new Promise<SlotResult>((resolve) => (settle = resolve));
  const s: Slot = { key, title, state: 'waiting', lines: [], result, settle: (r) => {
    if (s.state === 'done') return;
    s.state = 'done';
    settle(r);
  } };
  return s;
}

/**
 * The progress tree's state, driven only by events: which task is running, which ended and how.
 * Kept apart from listr2 so the mapping from events to tasks can be tested on its own. A slot
 * that is passed over (an earlier failure, `--only`) is settled as skipped.
 */
export class ProgressSlots {
  readonly slots: Slot[];
  private running?: Slot;
  private failedChecks = 0;

  constructor(drill: DrillShape) {
    const hasInvariants = drill.invariants === undefined || drill.invariants.length > 0;
    this.slots = [
      slot('lab', 'lab up'),
      ...(hasInvariants ? [slot('steady', 'steady state')] : []),
      ...drill.steps.map((s, i) => slot(`steps:${s.name}`, `${i + 1}/${drill.steps.length} ${s.name}${s.action ? ` (${s.action})` : ''}`)),
      ...drill.restore.map((s, i) => slot(`restore:${s.name}`, `restore ${i + 1}/${drill.restore.length} ${s.name}${s.action ? ` (${s.action})` : ''}`)),
      ...(hasInvariants ? [slot('final', 'steady state after the restore')] : []),
      ...(drill.probes === undefined || drill.probes.length > 0 ? [slot('probes', 'probes')] : []),
      slot('down', 'lab down'),
    ];
  }

  get(key: string): Slot | undefined {
    return this.slots.find((s) => s.key === key);
  }

  /** Slots of a group, for the renderer: 'steps:' or 'restore:'. */
  group(prefix: string): Slot[] {
    return this.slots.filter((s) => s.key.startsWith(prefix));
  }

  private start(key: string, title?: string): Slot | undefined {
    const s = this.get(key);
    if (!s || s.state !== 'waiting') return s;
    this.endPhase();
    for (const earlier of this.slots.slice(0, this.slots.indexOf(s))) earlier.settle({ status: 'skipped', message: `${earlier.title}: not run` });
    s.state = 'running';
    this.running = s;
    this.failedChecks = 0;
    if (title) this.title(s, title);
    return s;
  }

  /** A steady-state check has no end event of its own: it ends when the next thing starts. */
  private endPhase(): void {
    const s = this.running;
    if (s && (s.key === 'steady' || s.key === 'final' || s.key === 'probes') && s.state === 'running') {
      s.settle(this.failedChecks > 0 ? { status: 'failed', message: `${s.title}: ${this.failedChecks} check(s) failed` } : { status: 'passed' });
    }
  }

  private line(text: string, s = this.running): void {
    if (!s) return;
    s.lines.push(text);
    s.onLine?.(text);
  }

  private title(s: Slot, title: string): void {
    s.title = title;
    s.onTitle?.(title);
  }

  handle(e: DrillEvent): void {
    switch (e.type) {
      case 'phase.start':
        if (e.phase === 'lab') this.start('lab');
        if (e.phase === 'steady' || e.phase === 'final') this.start(e.phase);
        break;
      case 'lab.up':
        this.get('lab')?.settle({ status: 'passed', title: `lab ${e.provider} "${e.name}" up (${e.adopted ? `adopted: ${e.adopted}` : e.created ? 'created' : 'reused'}${e.nodes.length ? `, ${e.nodes.length} nodes` : ''})` });
        break;
      case 'lab.error':
        if (this.running?.key === 'lab' && this.running.state === 'running') this.running.settle({ status: 'failed', message: e.message });
        else this.line(`✖ lab ${e.invalidated ? 'invalidated' : 'error'}: ${e.message}`);
        break;
      case 'step.start':
        this.start(`${e.phase}:${e.name}`);
        break;
      case 'step.end': {
        const s = this.get(`${e.phase}:${e.name}`);
        if (!s) break;
        const title = `${s.title} — ${fmtMs(e.durationMs)}`;
        if (e.status === 'passed') s.settle({ status: 'passed', title });
        else if (e.status === 'skipped') s.settle({ status: 'skipped', message: `${s.title}: skipped` });
        else s.settle({ status: 'failed', title, message: `${s.title} ${statusWord(e.status)}${e.error && e.error !== e.status ? `: ${e.error}` : ''}` });
        break;
      }
      case 'check.end':
        if (!e.ok) this.failedChecks++;
        this.line(`${e.ok ? '✔' : '✖'} ${e.check}: ${e.message}`);
        if (!e.ok && e.expected !== undefined) this.line(`    expected: ${e.expected}`);
        if (!e.ok && e.observed !== undefined) this.line(`    observed: ${e.observed}`);
        break;
      case 'measure':
        if (e.step) this.line(`· ${e.name} = ${fmtMeasure(e.value, e.unit)}`);
        break;
      case 'log':
        if (e.level !== 'info') this.line(`${e.level === 'warn' ? '!' : '✖'} ${e.message}`);
        break;
      case 'interrupt':
        this.line(e.count === 1 ? `! ${e.signal}: stopping the running step, then the restore (again to exit at once)` : `! ${e.signal} again: exiting now`);
        break;
      case 'guard.breach':
        this.line(`✖ guard ${e.guard} breached: ${e.message}; stopping the steps, then the restore`);
        break;
      case 'budget':
        this.start('probes');
        if (!e.ok) this.failedChecks++;
        this.line(`${e.ok ? '✔' : '✖'} budget ${e.message}`);
        break;
      case 'probe.summary':
        this.start('probes');
        if (!e.ok) this.failedChecks++;
        this.line(`${e.ok ? '✔' : '✖'} ${e.probe}: ${e.message}`);
        break;
      case 'lab.down':
        this.start('down', e.removed ? `lab ${e.provider} "${e.name}" removed` : `lab ${e.provider} "${e.name}" kept (${e.reason})`);
        this.get('down')?.settle({ status: 'passed' });
        break;
      case 'drill.end':
        this.endPhase();
        for (const s of this.slots) {
          if (s.state === 'running') s.settle({ status: 'failed', message: `${s.title}: ${e.restoreNotRun ? 'cut short' : 'interrupted'}` });
          else s.settle({ status: 'skipped', message: e.restoreNotRun?.includes(s.key.replace(/^restore:/, '')) && s.key.startsWith('restore:') ? `${s.title}: NOT RUN` : `${s.title}: not run` });
        }
        break;
      default:
        break;
    }
  }
}
