import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../engine/errors.js';
import type { CheckOutcome, DrillEvent, Phase, StepStatus } from '../engine/events.js';
import { readJournal } from '../report/journal.js';

/** What one step did in a real run: its verdict, time, output, checks, commands and figures. */
export interface ObservedStep {
  status: StepStatus;
  durationMs: number;
  output?: string;
  error?: string;
  checks: Array<CheckOutcome & { phase: Phase }>;
  commands: Array<{ argv: readonly string[]; exitCode?: number; durationMs: number; error?: string }>;
  measures: Array<{ name: string; value: number | string; unit?: string }>;
}

export interface ObservedRun {
  dir: string;
  runId?: string;
  drill?: string;
  startedAt?: string;
  status?: string;
  reason?: string;
  durationMs?: number;
  /** Steady-state checks before the first step (no step). */
  steady: Array<CheckOutcome & { phase: Phase }>;
  steps: Map<string, ObservedStep>;
  truncated: boolean;
}

export const stepKey = (phase: 'steps' | 'restore', index: number, name: string): string => `${phase}/${index}/${name}`;

/** Reads a run folder's journal.jsonl (what the engine recorded, event by event). */
export function readRun(dir: string): ObservedRun {
  const file = path.join(dir, 'journal.jsonl');
  if (!existsSync(file)) throw new UsageError(`--from-run ${dir}: no journal.jsonl there (a run folder is runs/<drill>/<timestamp>/)`);
  const { events, truncated } = readJournal(file);
  return observe(events, dir, truncated);
}

/** Events to steps: commands and figures belong to the step running when they happened. */
export function observe(events: readonly DrillEvent[], dir: string, truncated = false): ObservedRun {
  const run: ObservedRun = { dir, steady: [], steps: new Map(), truncated };
  let current: ObservedStep | undefined;
  const pending = () => ({ status: 'interrupted' as StepStatus, durationMs: 0, checks: [], commands: [], measures: [] });
  for (const e of events) {
    switch (e.type) {
      case 'drill.start':
        Object.assign(run, { runId: e.runId, drill: e.drill.name, startedAt: e.t });
        break;
      case 'step.start':
        if (e.phase === 'steps' || e.phase === 'restore') {
          current = pending();
          run.steps.set(stepKey(e.phase, e.index, e.name), current);
        }
        break;
      case 'step.end':
        if (e.phase === 'steps' || e.phase === 'restore') {
          const s = run.steps.get(stepKey(e.phase, e.index, e.name)) ?? pending();
          Object.assign(s, { status: e.status, durationMs: e.durationMs, output: e.output, error: e.error });
          run.steps.set(stepKey(e.phase, e.index, e.name), s);
        }
        break;
      case 'check.end':
        if (e.step !== undefined && current) current.checks.push({ ...e });
        else if (e.phase === 'steady') run.steady.push({ ...e });
        break;
      case 'command':
        current?.commands.push({ argv: e.argv, exitCode: e.exitCode, durationMs: e.durationMs, error: e.error });
        break;
      case 'measure':
        current?.measures.push({ name: e.name, value: e.value, unit: e.unit });
        break;
      case 'phase.start':
        if (e.phase !== 'steps' && e.phase !== 'restore') current = undefined;
        break;
      case 'drill.end':
        Object.assign(run, { status: e.status, reason: e.reason, durationMs: e.durationMs });
        break;
      default:
    }
  }
  return run;
}
