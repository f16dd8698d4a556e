import { randomInt } from 'node:crypto';
import path from 'node:path';
import { describeRound, FAULT_KINDS, parseFaults, planCampaign, type FaultKind } from '../../campaign/plan.js';
import { roundLine, writeCampaignReports, type CampaignReport } from '../../campaign/report.js';
import { runRounds, type Current } from '../../campaign/run.js';
import type { RoundRow } from '../../campaign/row.js';
import { parseDuration } from '../../drill/duration.js';
import { errorMessage, InterruptedError, LabError, UsageError } from '../../engine/errors.js';
import { lockLab } from '../../engine/lock.js';
import { CommandRunner } from '../../exec/runner.js';
import { prettyCommand } from '../../exec/errors.js';
import type { Lab, LabEnv } from '../../labs/types.js';
import { makeRunDir, runTimestamp } from '../../report/dir.js';
import { visible } from '../../report/escape.js';
import { heldReason } from '../../trainer/held.js';
import { EXIT, exitCodeOfStatus } from '../exit.js';
import { modules } from '../modules.js';
import { labStateDir as stateDirOf } from '../state-dir.js';
import { kdrillVersion } from '../version.js';
import { loadTarget, takeDown, type LabTarget } from './lab.js';

export interface CampaignFlags {
  rounds: string;
  seed?: string;
  /** Undefined: every fault the lab can do. */
  faults?: string;
  reportDir: string;
  hold: string;
  keep?: boolean;
  dryRun?: boolean;
  set: string[];
}

/**
 * `kdrill campaign`: seeded rounds of random faults on one lab, each an ordinary drill run (fault,
 * recovery, HashKV, the history's verdict), stopping at the first round that does not pass. The
 * rounds are a function of the seed: the printed command replays them on the same nodes.
 */
export async function campaignCommand(file: string, flags: CampaignFlags, hardExit: (code: number) => never): Promise<number> {
  const rounds = whole(flags.rounds, '--rounds', 1);
  // The generator takes 32 bits: a larger seed would replay another one's rounds.
  const seed = flags.seed === undefined ? randomInt(0, 2 ** 31) : whole(flags.seed, '--seed', 0, 2 ** 32 - 1);
  const asked = flags.faults === undefined ? undefined : parseFaults(flags.faults);
  if (asked && 'problem' in asked) throw new UsageError(`--faults ${flags.faults}: ${asked.problem}`);
  const holdMs = parseDuration(flags.hold);
  if (holdMs === undefined) throw new UsageError(`--hold ${flags.hold}: expected a duration such as 1s or 500ms`);
  const target = await loadTarget(file, flags);
  const stateDir = stateDirOf(target.provider.name, target.name);

  const interrupt = new AbortController();
  const env: LabEnv = {
    runner: new CommandRunner().withSignal(interrupt.signal), signal: interrupt.signal, drillDir: target.dir, stateDir,
    log: (m, level = 'info') => level !== 'info' && process.stderr.write(`${visible(`kdrill: ${level}: ${m}`)}\n`),
  };
  const lab = target.provider.create(target.spec, env);
  if (!lab.etcd || !lab.nodeOps) throw new UsageError(`${file}: a campaign needs a lab with etcd members and node operations (kill, stop, pause, partition); this ${lab.provider} lab has ${!lab.etcd ? 'no etcd' : 'no node operations'}`);
  const parsed = faultsFor(target, asked?.faults, flags.faults);
  if (parsed.left) process.stderr.write(`${visible(`kdrill: ${parsed.left}`)}\n`);
  // The plan comes before the lab is up (its IPs are not known yet): the members are its control planes,
  // checked against etcd's own list once it is up.
  const members = lab.nodes().filter((n) => n.role === 'control-plane').map((n) => n.name);
  let plan;
  try {
    plan = planCampaign({ seed, rounds, faults: parsed.faults, members });
  } catch (err) {
    throw new UsageError(`${file}: ${errorMessage(err)}`);
  }
  const replayOf = (n: number) => prettyCommand(['kdrill', 'campaign', file, '--rounds', String(n), '--seed', String(seed),
    ...(parsed.faults.length === FAULT_KINDS.length ? [] : ['--faults', parsed.faults.join(',')]), ...(holdMs === 1000 ? [] : ['--hold', flags.hold]),
    ...flags.set.flatMap((s) => ['--set', s])]);
  if (flags.dryRun) {
    const lines = [`campaign seed ${seed} on lab ${lab.name} (${members.join(', ')}):`, ...plan.map((r) => `round ${r.round}: ${describeRound(r)}`), '', '(dry run: nothing was run)'];
    process.stdout.write(`${lines.map(visible).join('\n')}\n`);
    return EXIT.passed;
  }
  // Held from the first round to the last: between two rounds another kdrill run would find the lab
  // free. Taken before the report folder is made, so a refused campaign leaves none (an error exits).
  const unlock = lockLab(lab.provider, lab.name);
  const dir = path.resolve(flags.reportDir, `campaign-seed${seed}`, runTimestamp());
  makeRunDir(dir, `--report-dir ${flags.reportDir}`, true);

  const out = (line: string) => process.stdout.write(`${visible(line)}\n`);
  const current: Current = {};
  /** The rounds that ended, as they end. */
  const done: RoundRow[] = [];
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const reportOf = (status: CampaignReport['status'], rows: RoundRow[], more: { failedRound?: number; reason?: string } = {}): CampaignReport => ({
    seed, rounds, faults: parsed.faults, lab: { provider: lab.provider, name: lab.name, members }, status, ...more,
    replay: replayOf(more.failedRound ?? (status === 'interrupted' ? Math.max(rows.length, 1) : rounds)), startedAt, durationMs: Math.round(performance.now() - started), plan, rows,
  });
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(`\nkdrill: ${signal}: ending the running round through its restore, then stopping (press Ctrl-C again to exit at once)\n`);
      interrupt.abort(new InterruptedError(`interrupted by ${signal}`));
      return;
    }
    const notRun = current.engine?.restoreNotRun() ?? [];
    try {
      current.flush?.();
    } catch {
      // the round's journal is what matters on a hard exit
    }
    const notRunText = notRun.length ? notRun.join(', ') : '(none)';
    const cut = `second ${signal}${current.round ? ` in round ${current.round}` : ''}: exited before ${current.round ? 'its restore finished' : 'the campaign ended'}; restore steps NOT run: ${notRunText}`;
    try {
      // The campaign's own report too, with the rounds that ended: the evidence is kept whatever happens.
      writeCampaignReports(dir, reportOf('interrupted', done, { reason: cut, ...(current.round ? { failedRound: current.round } : {}) }));
    } catch {
      // exiting anyway
    }
    process.stderr.write(`${visible(`kdrill: exiting now${current.round ? ` in round ${current.round}` : ''}. Restore steps NOT run: ${notRunText}`)}\n`);
    hardExit(EXIT.interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  out(`campaign seed ${seed}: ${rounds} round${rounds === 1 ? '' : 's'} of ${parsed.faults.join(', ')} on lab ${lab.name} (${members.join(', ')}); reports: ${rel(dir)}`);
  try {
    let preexisting: boolean;
    try {
      ({ preexisting } = await labUp(lab, out));
    } catch (err) {
      if (!interrupt.signal.aborted) throw err;
      // A Ctrl-C during lab up: what was made carries the lab's label and goes.
      await labDown(target, stateDir, out).catch((e: unknown) => process.stderr.write(`${visible(`kdrill: removing the half-made lab: ${errorMessage(e)}`)}\n`));
      process.stderr.write('kdrill: interrupted during lab up: no round ran\n');
      return EXIT.interrupted;
    }
    const etcdMembers = lab.etcd.members().map((m) => m.node);
    if (etcdMembers.join(',') !== members.join(',')) throw new LabError(`lab ${lab.name}: its etcd members (${etcdMembers.join(', ')}) are not its control-plane nodes (${members.join(', ')}): a campaign cannot plan on it`);
    let rows: Awaited<ReturnType<typeof runRounds>> = [];
    try {
      rows = await runRounds({
        plan, dir, labDir: target.dir, labStateDir: stateDir, modules, interrupt: interrupt.signal, kdrillVersion: kdrillVersion(),
        // Written into each round's drill.yaml, beside its reports: the files the lab names, found from here.
        lab: (target.provider.absolutePaths?.(target.spec, target.dir) ?? target.spec) as Record<string, unknown>, members: members.length, seed, holdMs, failRound: testFailRound(), exitCodeOf: exitCodeOfStatus,
        onRound: (row) => {
          done.push(row);
          out(roundLine(row, rounds));
          for (const w of row.warnings ?? []) out(`  warning: ${w.split('\n')[0]}`);
        },
      }, current);
    } finally {
      const keep = flags.keep ? '--keep' : heldReason(stateDir) ? 'held by kdrill lab up' : preexisting ? 'it was up before the campaign' : undefined;
      if (keep) out(`lab ${lab.name} left up (${keep})`);
      else await labDown(target, stateDir, out);
    }
    // An interrupted round is not a failed one: the campaign says it was stopped, and where.
    const bad = rows.find((r) => r.status !== 'passed' && r.status !== 'interrupted');
    const status: CampaignReport['status'] = bad ? (bad.status === 'incomplete' ? 'error' : bad.status) : interrupt.signal.aborted ? 'interrupted' : 'passed';
    const report = reportOf(status, rows, bad ? { failedRound: bad.round, ...(bad.reason ? { reason: bad.reason } : {}) } : {});
    const files = writeCampaignReports(dir, report);
    out('');
    if (bad) {
      const [first, ...more] = (bad.reason ?? bad.status).split('\n');
      out(`FAILED in round ${bad.round} of ${rounds} (${describeRound(plan[bad.round - 1]!)}): ${first}`);
      for (const line of more) out(`  ${line}`);
      out(`replay: ${report.replay}`);
      out(`round ${bad.round}'s reports: ${rel(bad.runDir)}${flags.keep ? '' : ' (--keep leaves the lab up to look at it)'}`);
    } else if (status === 'interrupted') {
      const last = rows.at(-1);
      out(`INTERRUPTED ${last?.status === 'interrupted' ? `in round ${last.round} of ${rounds} (its restore ran)` : `after ${rows.length} of ${rounds} rounds`}; replay: ${report.replay}`);
    } else {
      out(`PASSED: ${rows.length} rounds in ${(report.durationMs / 1000).toFixed(1)} s, each linearizable with 0 acknowledged writes lost and one HashKV on every member; replay: ${report.replay}`);
    }
    out(`reports: ${rel(dir)} (${files.join(', ')}, round-NN/)`);
    if (interrupt.signal.aborted) return EXIT.interrupted;
    return status === 'passed' ? EXIT.passed : exitCodeOfStatus(status);
  } finally {
    unlock();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * The faults a campaign draws from: those asked for, each of which this lab must be able to do (a
 * kubeadm host is powered off, not paused), or by default every one it can do, saying which it left out.
 */
export function faultsFor(target: LabTarget, asked: FaultKind[] | undefined, text?: string): { faults: FaultKind[]; left?: string } {
  const lacks = (f: FaultKind) => target.provider.nodeOpLacks?.(target.spec, f);
  if (asked) {
    const cannot = asked.filter((f) => lacks(f));
    if (cannot.length) throw new UsageError(`--faults ${text}: this ${target.provider.name} lab cannot ${cannot.join(' or ')}: ${lacks(cannot[0]!)}`);
    return { faults: asked };
  }
  const faults = FAULT_KINDS.filter((f) => !lacks(f));
  const out = FAULT_KINDS.filter((f) => lacks(f));
  if (faults.length === 0) throw new UsageError(`this ${target.provider.name} lab can do none of the campaign's faults (${FAULT_KINDS.join(', ')}): ${lacks(FAULT_KINDS[0])}`);
  return { faults, ...(out.length ? { left: `faults ${out.join(', ')} left out: ${lacks(out[0]!)}` } : {}) };
}

/**
 * The lab, up once for every round (each round adopts it): whether it was up before, so that it stays
 * then. The caller holds the lab's lock, as for labDown.
 */
async function labUp(lab: Lab, out: (line: string) => void): Promise<{ preexisting: boolean }> {
  try {
    const t0 = performance.now();
    const up = await lab.up();
    out(`lab ${lab.name}: ${up.adopted ? `adopted (${up.adopted})` : 'created'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { preexisting: up.adopted !== undefined };
  } finally {
    await lab.close?.().catch(() => undefined);
  }
}

async function labDown(target: LabTarget, stateDir: string, out: (line: string) => void): Promise<void> {
  const signal = AbortSignal.timeout(120_000);
  const env: LabEnv = { runner: new CommandRunner().withSignal(signal), signal, drillDir: target.dir, stateDir, log: () => {} };
  const lab = target.provider.create(target.spec, env);
  try {
    await takeDown(lab, stateDir);
    out(`lab ${lab.name} removed (made by this campaign)`);
  } catch (err) {
    throw new LabError(`lab down failed: ${errorMessage(err)}`);
  } finally {
    await lab.close?.().catch(() => undefined);
  }
}

function whole(text: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} ${text}: expected a whole number ≥ ${min}${max < Number.MAX_SAFE_INTEGER ? ` and ≤ ${max}` : ''}`);
  }
  return n;
}

/** TEST ONLY: KDRILL_TEST_FAIL_ROUND=n adds an expectation that cannot hold to round n (a failing round on purpose). */
function testFailRound(): number | undefined {
  const v = process.env.KDRILL_TEST_FAIL_ROUND;
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

const rel = (p: string) => path.relative(process.cwd(), p) || p;
