import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { loadDrill } from '../../drill/loader.js';
import { errorMessage, InterruptedError, LabError, UsageError } from '../../engine/errors.js';
import { lockHolder, lockLab } from '../../engine/lock.js';
import { CommandRunner } from '../../exec/runner.js';
import { inspectContainers } from '../../labs/docker/index.js';
import type { Lab, LabEnv, LabProvider } from '../../labs/types.js';
import { visible } from '../../report/escape.js';
import { askToGiveUp } from '../../trainer/give-up.js';
import { heldReason, holdLab } from '../../trainer/held.js';
import { shellEnv } from '../../trainer/shell-env.js';
import { gatherStatus, renderStatus } from '../../trainer/status.js';
import { EXIT, printWarnings } from '../exit.js';
import { modules } from '../modules.js';
import { labStateDir } from '../state-dir.js';

export type LabVerb = 'up' | 'status' | 'env' | 'down' | 'give-up';

export interface LabFlags {
  set: string[];
}

/** The lab a drill (or a lab file such as clusters/etcd-3.yaml) describes, as `kdrill run` would make it. */
export interface LabTarget {
  provider: LabProvider;
  spec: { provider: string; name?: string };
  name: string;
  dir: string;
}

/**
 * `kdrill lab up | status | env | down`: a drill's lab by hand, for a trainer's room. `up` brings it
 * up (or adopts it) and holds it: drill runs on it leave it up until `down`. The lab object is the
 * one `kdrill run` makes, with the same state folder, so each finds what the other made.
 */
export async function labCommand(verb: LabVerb, file: string, flags: LabFlags): Promise<number> {
  const target = await loadTarget(file, flags);
  const stateDir = labStateDir(target.provider.name, target.name);
  const abort = new AbortController();
  const onSignal = () => abort.abort(new InterruptedError('interrupted by SIGINT'));
  process.once('SIGINT', onSignal);
  const env: LabEnv = {
    runner: new CommandRunner().withSignal(abort.signal), signal: abort.signal, drillDir: target.dir, stateDir,
    // status and env print what the student reads or evals: only warnings go to stderr there.
    log: (m, level = 'info') => (level === 'info' && (verb === 'status' || verb === 'env')) || process.stderr.write(`${visible(`kdrill: ${level === 'info' ? '' : `${level}: `}${m}`)}\n`),
  };
  const lab = target.provider.create(target.spec, env);
  try {
    if (verb === 'up') return await up(lab, file, stateDir);
    if (verb === 'down') return await down(lab, stateDir);
    if (verb === 'give-up') return await giveUp(lab, file, stateDir);
    const found = await lab.attach?.();
    if (found === undefined) throw new LabError(`lab ${lab.name} (${lab.provider}) is not up${lab.attach ? '' : ' (or this kind of lab cannot be looked at from here)'}: kdrill lab up ${file}`);
    if (verb === 'status') {
      process.stdout.write(`${renderStatus(await gatherStatus(lab, found)).map(visible).join('\n')}\n`);
    } else {
      const kubeconfig = lab.kubernetes && 'kubeconfig' in lab ? String(lab.kubeconfig) : undefined;
      process.stdout.write(`${shellEnv(lab, { node: await runningMember(lab), kubeconfig }).join('\n')}\n`);
    }
    return EXIT.passed;
  } catch (err) {
    if (!abort.signal.aborted) throw err;
    process.stderr.write('kdrill: interrupted\n');
    return EXIT.interrupted;
  } finally {
    process.off('SIGINT', onSignal);
    await lab.close?.().catch(() => undefined);
  }
}

async function up(lab: Lab, file: string, stateDir: string): Promise<number> {
  const unlock = lockLab(lab.provider, lab.name);
  try {
    const t0 = performance.now();
    const r = await lab.up().catch(async (err: unknown) => {
      // A Ctrl-C during up: what was made carries the lab's label and goes, with a signal of its own.
      if (lab.env.signal.aborted) {
        lab.env.signal = AbortSignal.timeout(120_000);
        lab.env.runner = lab.env.runner.withSignal(lab.env.signal);
        await lab.down({}).catch((e: unknown) => lab.env.log(`removing the half-made lab: ${errorMessage(e)}`, 'warn'));
      }
      throw err;
    });
    holdLab(stateDir);
    const took = `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    const what = r.adopted ? `adopted (${r.adopted})` : 'created';
    process.stdout.write(`${[
      `lab ${lab.name} (${lab.provider}): ${what} in ${took}; held until kdrill lab down (drill runs on it adopt it and leave it up)`,
      `nodes: ${lab.nodes().map((n) => `${n.name} (${n.container})`).join(', ')}`,
      `next: eval "$(kdrill lab env ${file})" && etcd member list -w table    # or: kdrill lab status ${file}`,
    ].map(visible).join('\n')}\n`);
    return EXIT.passed;
  } finally {
    unlock();
  }
}

async function down(lab: Lab, stateDir: string): Promise<number> {
  const unlock = lockLab(lab.provider, lab.name);
  try {
    const held = heldReason(stateDir) !== undefined;
    const before = await inspectContainers(lab.env.runner, lab.nodes().map((n) => n.container), lab.env.signal);
    await takeDown(lab, stateDir);
    const after = await inspectContainers(lab.env.runner, [...before.keys()], lab.env.signal);
    const gone = [...before.keys()].filter((c) => !after.has(c));
    const left = [...after.keys()];
    process.stdout.write(`${[
      `lab ${lab.name} (${lab.provider}): ${gone.length ? `removed ${gone.join(', ')}` : 'no node container to remove'}${held ? '' : ' (it was not held by kdrill lab up)'}`,
      ...(left.length ? [`left in place (not made by kdrill): ${left.join(', ')}`] : []),
      `state folder ${stateDir} removed`,
    ].map(visible).join('\n')}\n`);
    return EXIT.passed;
  } finally {
    unlock();
  }
}

/**
 * What `lab down` does, the caller holding the lab's lock (a campaign's end too): a look at the lab
 * first (attach: what is there now, e.g. its network), down, its state folder removed.
 */
export async function takeDown(lab: Lab, stateDir: string): Promise<void> {
  if (lab.attach) await lab.attach().catch((err: unknown) => lab.env.log(`looking at the lab first: ${errorMessage(err)}`, 'warn'));
  await lab.down({});
  rmSync(stateDir, { recursive: true, force: true });
}

/** How long `give-up` waits for the exercise to take the request: a poll's checks may each wait 2 s on a dead member. */
const GIVE_UP_WAIT_MS = 30_000;

/**
 * `kdrill lab give-up`: asks the exercise that waits on this lab (in the run that holds the lab's
 * lock) to end as given up; its run then runs the restore. It waits for the exercise's answer.
 */
async function giveUp(lab: Lab, file: string, stateDir: string): Promise<number> {
  const pid = lockHolder(lab.provider, lab.name);
  if (pid === undefined) throw new UsageError(`no kdrill run is going on lab ${lab.name} (${lab.provider}): nothing to give up (start one: kdrill run ${file})`);
  const answer = await askToGiveUp(stateDir, `kdrill lab give-up, pid ${process.pid}`, GIVE_UP_WAIT_MS, lab.env.signal);
  if (answer !== undefined) {
    process.stdout.write(`${visible(`lab ${lab.name} (${lab.provider}): the exercise of run pid ${pid} ${answer}`)}\n`);
    return EXIT.passed;
  }
  throw new UsageError(`the run on lab ${lab.name} (pid ${pid}) is not waiting on an exercise (no answer in ${GIVE_UP_WAIT_MS / 1000} s): nothing to give up; Ctrl-C in its terminal stops it and runs its restore`);
}

/** The first member whose node runs (the helper must reach etcd now), else the first member. */
async function runningMember(lab: Lab): Promise<string> {
  const cps = lab.nodes().filter((n) => n.role === 'control-plane');
  if (cps.length === 0) throw new LabError(`lab ${lab.name} has no control-plane node to run etcdctl in`);
  const seen = await inspectContainers(lab.env.runner, cps.map((n) => n.container), lab.env.signal);
  return (cps.find((n) => seen.get(n.container)?.running && !seen.get(n.container)?.paused) ?? cps[0]!).name;
}

/** A drill file, or a lab file (what a drill's `lab:` holds, as clusters/etcd-3.yaml). */
export async function loadTarget(file: string, flags: LabFlags): Promise<LabTarget> {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: ${errorMessage(err)}`);
  }
  const obj = doc as Record<string, unknown> | null;
  if (obj && typeof obj === 'object' && 'provider' in obj && !('apiVersion' in obj)) {
    const provider = modules.labs[String(obj.provider)];
    if (!provider) throw new UsageError(`${file}: unknown lab provider "${String(obj.provider)}" (providers: ${Object.keys(modules.labs).join(', ')})`);
    const r = provider.schema.safeParse(obj);
    if (!r.success) throw new UsageError(`${file}: not a valid ${provider.name} lab: ${r.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`);
    const spec = r.data as { provider: string; name?: string };
    return { provider, spec, name: spec.name ?? path.basename(file).replace(/\.ya?ml$/, ''), dir: path.dirname(path.resolve(file)) };
  }
  const { parseSets } = await import('./run.js');
  const drill = loadDrill(file, { modules, set: parseSets(flags.set) });
  printWarnings(drill.warnings);
  return { provider: drill.provider, spec: drill.lab, name: drill.lab.name ?? drill.name, dir: drill.dir };
}
