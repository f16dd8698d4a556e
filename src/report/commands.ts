import type { DrillEvent } from '../engine/events.js';
import type { StepReport } from './types.js';

/** A command the run started, from the journal's `command` event (ms: since the drill started). */
export interface CommandRecord {
  argv: readonly string[];
  exitCode?: number;
  error?: string;
  startMs: number;
  durationMs: number;
  via?: 'engine';
}

/** The same command with the same outcome, run again and again in a row (a check polling): one row. */
export interface CommandRun extends CommandRecord {
  count: number;
  /** When the last of them ended. */
  lastEndMs: number;
}

/**
 * The commands of a run, each with the step (or steady-state check) it ran in: the one whose time
 * span holds the command's end. Those outside every step (the lab brought up and torn down) come
 * under `outside`. Consecutive repeats of one command with one outcome are counted, not repeated.
 */
export function commandsByStep(events: readonly DrillEvent[], steps: readonly StepReport[]): { byStep: Map<StepReport, CommandRun[]>; outside: CommandRun[] } {
  const byStep = new Map<StepReport, CommandRun[]>();
  const outside: CommandRun[] = [];
  const timed = steps.filter((s) => s.startMs !== undefined);
  for (const e of events) {
    if (e.type !== 'command') continue;
    const c: CommandRecord = { argv: e.argv, exitCode: e.exitCode, error: e.error, startMs: Math.max(0, e.ms - e.durationMs), durationMs: e.durationMs, via: e.via };
    const step = timed.find((s) => e.ms >= s.startMs! && e.ms <= (s.endMs ?? Infinity));
    const list = step ? (byStep.get(step) ?? byStep.set(step, []).get(step)!) : outside;
    const last = list.at(-1);
    if (last && same(last, c)) {
      last.count++;
      last.lastEndMs = e.ms;
      last.durationMs += c.durationMs;
    } else {
      list.push({ ...c, count: 1, lastEndMs: e.ms });
    }
  }
  return { byStep, outside };
}

function same(a: CommandRecord, b: CommandRecord): boolean {
  return a.exitCode === b.exitCode && a.error === b.error && a.via === b.via && a.argv.length === b.argv.length && a.argv.every((x, i) => x === b.argv[i]);
}
