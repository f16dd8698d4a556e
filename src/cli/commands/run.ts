import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadDrill } from '../../drill/loader.js';
import type { Drill, Step } from '../../drill/types.js';
import { didYouMean } from '../../drill/suggest.js';
import { errorMessage, InterruptedError, UsageError } from '../../engine/errors.js';
import { EventBus, outlineOf, type Phase } from '../../engine/events.js';
import { planDrill, wrap } from '../../engine/plan.js';
import { DrillRun } from '../../engine/run.js';
import { CommandRunner } from '../../exec/runner.js';
import type { LabEnv } from '../../labs/types.js';
import { visible, visibleLines } from '../../report/escape.js';
import { checkLengths, makeRunDir, runTimestamp } from '../../report/dir.js';
import { openJournal } from '../../report/journal.js';
import { plainProgress } from '../../report/progress/plain.js';
import { writeReports } from '../../report/write.js';
import { EXIT, exitCodeOfStatus, printWarnings } from '../exit.js';
import { modules } from '../modules.js';
import { labStateDir as stateDirOf } from '../state-dir.js';
import { heldReason } from '../../trainer/held.js';
import { listenForGiveUp } from '../give-up-line.js';
import { kdrillVersion } from '../version.js';

export interface RunFlags {
  set: string[];
  dryRun?: boolean;
  step?: boolean;
  pauseOnFailure?: boolean;
  only?: string;
  reportDir: string;
  progress: 'auto' | 'tree' | 'plain';
}

/** `kdrill run`: returns the exit code; `hardExit` ends the process at once (second Ctrl-C). */
export async function runCommand(file: string, flags: RunFlags, hardExit: (code: number) => never): Promise<number> {
  const drill = loadDrill(file, { modules, set: parseSets(flags.set) });
  if (flags.only && !drill.steps.some((s) => s.name === flags.only)) {
    const hint = didYouMean(flags.only, drill.steps.map((s) => s.name));
    throw new UsageError(`--only "${flags.only}": no such step${hint ? `; did you mean "${hint}"?` : ''} (steps: ${drill.steps.map((s) => s.name).join(', ')})`);
  }
  printWarnings(drill.warnings);
  const runDir = path.resolve(flags.reportDir, drill.name, runTimestamp());
  const labStateDir = stateDirOf(drill.lab.provider, drill.lab.name ?? drill.name);
  checkLengths(labStateDir, (why) => {
    throw new UsageError(`the lab's state folder ${labStateDir}: ${why}`);
  });
  reportDir(runDir, flags);

  if (flags.dryRun) {
    const runner = new CommandRunner();
    const env: LabEnv = { runner, signal: new AbortController().signal, log: () => {}, drillDir: drill.dir, stateDir: labStateDir };
    const lab = drill.provider.create(drill.lab, env);
    process.stdout.write(`${planDrill(drill, lab, runDir, flags.only).map(visible).join('\n')}\n\n(dry run: nothing was run)\n`);
    return EXIT.passed;
  }

  const events = new EventBus();
  const journal = openJournal(path.join(runDir, 'journal.jsonl'));
  events.subscribe(journal.write);
  const interactive = flags.step || flags.pauseOnFailure;
  const useTree = flags.progress === 'tree' || (flags.progress === 'auto' && process.stdout.isTTY && !process.env.CI && !interactive);
  let tree: { done(): Promise<void> } | undefined;
  if (useTree) {
    const { treeProgress } = await import('../../report/progress/tree.js');
    tree = treeProgress(drill, events);
  } else {
    events.subscribe(plainProgress((line) => process.stdout.write(`${visible(line)}\n`)));
  }

  const interrupt = new AbortController();
  const runner = new CommandRunner();
  runner.onCommand((c) => events.emit({ type: 'command', ...c }));
  const prompt = interactive ? new Prompt() : undefined;
  // An exercise can be given up by typing "give up" here (on a terminal), or with kdrill lab give-up.
  let exercise: string | undefined;
  events.subscribe((e) => {
    if (e.type === 'step.start' && e.action === 'exercise') exercise = e.name;
    else if (e.type === 'step.end' && e.name === exercise) exercise = undefined;
  });
  const stopListening = drill.steps.some((s) => s.action === 'exercise') ? listenForGiveUp(labStateDir, prompt?.reader, () => exercise) : () => {};
  const engine = new DrillRun({
    drill, runDir, labStateDir, keepLab: heldReason(labStateDir), runner, events, interrupt: interrupt.signal, only: flags.only,
    beforeStep: flags.step ? (step, phase, i, n, plan) => prompt!.beforeStep(step, phase, i, n, plan) : undefined,
    onFailure: flags.pauseOnFailure ? (step, error) => prompt!.onFailure(step, error) : undefined,
    exitCodeOf: exitCodeOfStatus,
  });

  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    events.emit({ type: 'interrupt', signal, count: interrupts });
    if (interrupts === 1) {
      process.stderr.write(`\nkdrill: ${signal}: stopping the running step and running the restore (press Ctrl-C again to exit at once)\n`);
      interrupt.abort(new InterruptedError(`interrupted by ${signal}`));
      prompt?.close();
      return;
    }
    const notRun = engine.restoreNotRun();
    events.emit({ type: 'drill.end', status: 'interrupted', exitCode: EXIT.interrupted, durationMs: Math.round(events.now()), reason: `second ${signal}: exited before the restore finished`, restoreNotRun: notRun });
    journal.close();
    try {
      writeReports(runDir, events.events);
    } catch {
      // the journal is what matters on a hard exit
    }
    process.stderr.write(`${visible(`kdrill: exiting now. Restore steps NOT run: ${notRun.length ? notRun.join(', ') : '(none)'}`)}\n`);
    hardExit(EXIT.interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    events.emit({ type: 'drill.start', drill: { name: drill.name, title: drill.title, file: drill.file, sha256: sha256Of(drill.file) }, kdrillVersion: kdrillVersion(), runId: path.basename(runDir), runDir, params: stringParams(drill), dryRun: false, outline: outlineOf(drill), monotonicMs: Math.round(events.monotonicOrigin * 1000) / 1000 });
    const result = await engine.run();
    await tree?.done();
    const verdict = `${result.status.toUpperCase()}${result.reason ? `: ${result.reason}` : ''}`;
    const where = path.relative(process.cwd(), runDir) || runDir;
    let files: string[];
    try {
      files = writeReports(runDir, events.events).files;
    } catch (err) {
      // The drill is over and its journal is on disk: the verdict is said whatever happened to the reports.
      process.stdout.write(`\n${visible(verdict)}\n`);
      process.stderr.write(`${visible(`kdrill: the reports could not be written to ${where}: ${errorMessage(err)}; the run's journal is ${path.join(where, 'journal.jsonl')}`)}\n`);
      return result.exitCode === EXIT.passed ? EXIT.lab : result.exitCode;
    }
    process.stdout.write(`\n${visible(verdict)}\n${visible(`reports: ${where} (${files.map((f) => path.basename(f)).join(', ')})`)}\n`);
    // A Ctrl-C after the drill ended (while the reports were written) is still a Ctrl-C to the caller.
    if (interrupts > 0 && result.status !== 'interrupted') {
      process.stderr.write(`kdrill: ${result.status} before the interrupt; exit ${EXIT.interrupted} for the interrupt\n`);
      return EXIT.interrupted;
    }
    return result.exitCode;
  } finally {
    journal.close();
    stopListening();
    prompt?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** The drill file's hash, for the report: which text of the drill ran (undefined if it cannot be read again). */
function sha256Of(file: string): string | undefined {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return undefined;
  }
}

/** The run's report folder is made before anything runs; a dry run writes nothing and only warns. */
function reportDir(runDir: string, flags: RunFlags): void {
  try {
    makeRunDir(runDir, `--report-dir ${flags.reportDir}`, !flags.dryRun);
  } catch (err) {
    if (!flags.dryRun || !(err instanceof UsageError)) throw err;
    process.stderr.write(`kdrill: warning: a real run would stop here: ${err.message}\n`);
  }
}

export function parseSets(sets: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set ${s}: expected name=value`);
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

function stringParams(drill: Drill): Record<string, string> {
  return Object.fromEntries(Object.entries(drill.params).map(([k, v]) => [k, String(v)]));
}

/** Trainer mode: the step's explanation and operations, then Enter to run it. */
class Prompt {
  private rl = createInterface({ input: process.stdin, output: process.stdout });
  /** Its line reader, which also hears "give up" typed during an exercise. */
  get reader() {
    return this.rl;
  }
  private closed = false;

  constructor() {
    // readline swallows Ctrl-C on a terminal; hand it to the process so the restore still runs.
    this.rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    // stdin ended (closed, /dev/null): no more questions; the restore still runs without them.
    this.rl.on('close', () => (this.closed = true));
  }

  async beforeStep(step: Step, phase: Phase, i: number, n: number, plan: string[]): Promise<boolean> {
    const head = phase === 'restore' ? `restore ${i + 1}/${n}` : `step ${i + 1}/${n}`;
    const lines = ['', `── ${head}: ${step.name} (${step.action})`];
    if (step.explain) lines.push(...wrap(step.explain, 78).map((l) => `   ${l}`));
    if (plan.length) lines.push('   it will run:', ...plan.map((l) => `     ${l}`));
    process.stdout.write(`${lines.map(visible).join('\n')}\n`);
    if (phase === 'restore') return (await this.ask('   [Enter] run it ')) !== null;
    const answer = await this.ask('   [Enter] run it, [s] skip the remaining steps and restore: ');
    return answer !== null && answer.trim().toLowerCase() !== 's';
  }

  async onFailure(step: Step, error: string): Promise<void> {
    process.stdout.write(`\n✖ ${visible(step.name)} failed: ${visibleLines(error)}\n  The lab is left as it is so you can look at it.\n`);
    await this.ask('  [Enter] run the restore ');
  }

  private ask(q: string): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const onClose = () => resolve(null);
      this.rl.once('close', onClose);
      this.rl.question(q, (a) => {
        this.rl.off('close', onClose);
        resolve(a);
      });
    });
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this.rl.close();
    }
  }
}
