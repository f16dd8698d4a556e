import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDrill } from '../drill/loader.js';
import type { DrillStatus } from '../engine/events.js';
import { EventBus, outlineOf } from '../engine/events.js';
import { DrillRun } from '../engine/run.js';
import type { Modules } from '../engine/types.js';
import { CommandRunner } from '../exec/runner.js';
import { openJournal } from '../report/journal.js';
import { writeReports } from '../report/write.js';
import { roundDrillText, type RoundDrillOptions } from './drill.js';
import type { RoundPlan } from './plan.js';
import { rowOf, type RoundRow } from './row.js';

export interface CampaignRunOptions extends Omit<RoundDrillOptions, 'rounds'> {
  plan: RoundPlan[];
  /** The campaign's report folder: one run folder per round under it (round-01, …). */
  dir: string;
  /** The lab file's folder (relative paths of the lab resolve against it). */
  labDir: string;
  labStateDir: string;
  modules: Modules;
  /** Aborted by the first Ctrl-C: the running round ends through its restore, no round starts after it. */
  interrupt: AbortSignal;
  kdrillVersion: string;
  exitCodeOf(status: DrillStatus): number;
  /** Each round's row, as soon as the round is over. */
  onRound(row: RoundRow): void;
}

/** The round running now (for a second Ctrl-C: which of its restore steps did not run). */
export interface Current {
  round?: number;
  engine?: DrillRun;
  /** Reports of the running round, for a hard exit. */
  flush?(): void;
}

/**
 * Runs the rounds one after the other, each an ordinary drill run of the engine on the same lab (kept
 * between rounds: every round adopts it), each with its own run folder, journal and reports. Stops at
 * the first round that does not pass.
 */
export async function runRounds(o: CampaignRunOptions, current: Current = {}): Promise<RoundRow[]> {
  const rows: RoundRow[] = [];
  for (const plan of o.plan) {
    if (o.interrupt.aborted) break;
    const row = await runRound(plan, o, current);
    rows.push(row);
    o.onRound(row);
    if (row.status !== 'passed') break;
  }
  return rows;
}

async function runRound(plan: RoundPlan, o: CampaignRunOptions, current: Current): Promise<RoundRow> {
  const runDir = path.join(o.dir, `round-${String(plan.round).padStart(2, '0')}`);
  mkdirSync(runDir, { recursive: true });
  const file = path.join(runDir, 'drill.yaml');
  const text = roundDrillText(plan, { ...o, rounds: o.plan.length });
  writeFileSync(file, text);
  // The drill is ours, not the user's: a problem in it is kdrill's bug (an internal error, exit 4).
  const drill = { ...parseDrill(text, file, { modules: o.modules }), dir: o.labDir };
  const events = new EventBus();
  const journal = openJournal(path.join(runDir, 'journal.jsonl'));
  events.subscribe(journal.write);
  const runner = new CommandRunner();
  runner.onCommand((c) => events.emit({ type: 'command', ...c }));
  const engine = new DrillRun({
    drill, runDir, labStateDir: o.labStateDir, keepLab: 'kept for the campaign\'s next round', runner, events,
    interrupt: o.interrupt, exitCodeOf: o.exitCodeOf,
  });
  // The reports of a round cut short by a second Ctrl-C: GitHub's outputs are the campaign's, not a round's.
  const write = () => writeReports(runDir, events.events, {}, () => {});
  Object.assign(current, { round: plan.round, engine, flush: () => { journal.close(); write(); } });
  try {
    events.emit({
      type: 'drill.start', drill: { name: drill.name, title: drill.title, file }, kdrillVersion: o.kdrillVersion, runId: path.basename(runDir), runDir,
      params: { seed: String(o.seed), round: String(plan.round) }, dryRun: false,
      outline: outlineOf(drill),
    });
    await engine.run();
    journal.close();
    const warnings = events.events.flatMap((e) => (e.type === 'log' && e.level !== 'info' ? [e.message] : []));
    const row = { ...rowOf(plan, write().report, runDir), ...(warnings.length ? { warnings } : {}) };
    // Every round adopts the lab the campaign brought up; one made anew means the round before left it broken.
    const up = events.events.find((e) => e.type === 'lab.up');
    if (up?.type === 'lab.up' && up.adopted === undefined && row.status === 'passed') {
      return { ...row, status: 'error', reason: `the lab was not there to adopt at the start of round ${plan.round}: it was made anew, so this round did not run on what the rounds before left` };
    }
    return row;
  } finally {
    journal.close();
    Object.assign(current, { round: undefined, engine: undefined, flush: undefined });
  }
}
