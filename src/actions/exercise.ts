import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { Check } from '../drill/types.js';
import { checkSchema, positiveDuration } from '../drill/schema.js';
import { formatDuration, parseDuration } from '../drill/duration.js';
import { errorMessage } from '../engine/errors.js';
import type { ActionModule, Context, Verdict } from '../engine/types.js';
import { wrap } from '../engine/plan.js';
import { clearGiveUp, giveUpPending, takeGiveUp } from '../trainer/give-up.js';

const params = z.strictObject({
  task: z.string().min(1).describe("What the student must do, in the chapter's words (printed when the step starts)"),
  hints: z.array(z.strictObject({
    after: positiveDuration.describe('Released this long after the task was given'),
    text: z.string().min(1),
  })).default([]).describe('Hints released over time; the report counts the ones the student saw'),
  until: z.array(checkSchema).min(1).describe('The checks that say it is fixed: polled until all hold at once'),
  watch: z.array(checkSchema).default([]).describe('Checks that must hold at every poll (etcd.defragOrder): the first that does not fails the exercise, with its reason'),
  poll: positiveDuration.default('1s').describe('How often the checks are polled'),
});

interface Params { task: string; hints: Array<{ after: string; text: string }>; until: Check[]; watch: Check[]; poll: string }

/** Every check once; a check that throws does not hold. */
async function holdAll(ctx: Context, checks: Check[]): Promise<Array<{ check: string; verdict: Verdict }>> {
  const out = [];
  for (const c of checks) {
    let verdict: Verdict;
    try {
      verdict = await c.module.check(ctx, c.params);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      verdict = { ok: false, message: errorMessage(err) };
    }
    out.push({ check: c.name, verdict });
  }
  return out;
}

/** The student gave up (`kdrill lab give-up`): the exercise fails, as not fixed, and the restore repairs the lab. */
export class GaveUpError extends Error {
  override name = 'GaveUpError';
}

/** Waits `ms`, or less when a give-up request arrives (looked for every 100 ms: a file's existence). */
async function pause(ctx: Context, ms: number, stateDir: string | undefined): Promise<void> {
  const end = performance.now() + ms;
  for (let left = ms; left > 0; left = end - performance.now()) {
    if (stateDir && giveUpPending(stateDir)) return;
    await delay(Math.min(100, left), undefined, { signal: ctx.signal });
  }
}

/**
 * The student's step (issue 17): the steps before it broke the lab; kdrill gives the task, releases
 * the hints over time and polls the checks until the student's repair makes them all hold. It has
 * no deadline of its own (give the step a `timeout`). The student may give up (`kdrill lab give-up`,
 * src/trainer/give-up.ts): the step fails as given up, with its time and hints, and the restore runs;
 * Ctrl-C interrupts the run (exit 130) and the restore runs too. Time to fix and hints used are the
 * step's figures.
 */
export const exercise: ActionModule<Params> = {
  name: 'exercise',
  summary: "the student's turn: print the task, release hints over time, wait until the checks say it is fixed; measures the time to fix",
  params: params as unknown as z.ZodType<Params>,
  checkParams: ['until', 'watch'],
  plan: (p) => [
    `# print the task; hints after ${p.hints.map((h) => h.after).join(', ') || '(none)'}`,
    ...p.watch.map((c) => `${c.name} must hold at every poll (else the exercise fails)`),
    ...p.until.map((c) => `until ${c.name} holds (polled every ${p.poll}, no deadline but the step's timeout)`),
  ],
  async run(ctx, p) {
    const pollMs = parseDuration(p.poll) ?? 1_000;
    const hints = p.hints.map((h) => ({ ...h, ms: parseDuration(h.after) ?? 0 })).sort((a, b) => a.ms - b.ms);
    const stateDir = ctx.lab?.env?.stateDir;
    if (stateDir) clearGiveUp(stateDir);
    for (const line of ['YOUR TURN:', ...wrap(p.task, 74)]) ctx.log(line);
    ctx.log('Stuck? Type give up here (on a terminal), or in another terminal: kdrill lab give-up <this drill file>. The restore repairs the lab (Ctrl-C stops the run, and the restore runs too).');
    const started = performance.now();
    let given = 0;
    let last: Array<{ check: string; verdict: Verdict }> = [];
    const used = () => `${given} of ${hints.length} hint${hints.length === 1 ? '' : 's'} used`;
    try {
      for (;;) {
        const elapsed = Math.round(performance.now() - started);
        while (given < hints.length && hints[given]!.ms <= elapsed) {
          ctx.log(`hint ${given + 1}/${hints.length} (after ${formatDuration(hints[given]!.ms)}): ${hints[given]!.text}`);
          given++;
        }
        const why = (by: string) => `gave up after ${formatDuration(elapsed)} (${by}), ${used()}: not fixed`;
        const gaveUp = stateDir ? takeGiveUp(stateDir, (r) => `${why(r.by)}; the restore is repairing the lab (see the run's terminal)`) : undefined;
        if (gaveUp) {
          ctx.measure('exercise.gaveUpAfter', elapsed, 'ms');
          ctx.measure('exercise.hintsUsed', given);
          throw new GaveUpError(`${why(gaveUp.by)}; the restore repairs the lab`);
        }
        const broken = (await holdAll(ctx, p.watch)).find((c) => !c.verdict.ok);
        if (broken) {
          ctx.measure('exercise.hintsUsed', given);
          throw new Error(`${broken.check}: ${broken.verdict.message}`);
        }
        last = await holdAll(ctx, p.until);
        if (last.every((c) => c.verdict.ok)) break;
        await pause(ctx, pollMs, stateDir);
      }
    } catch (err) {
      // Ended by the step's timeout or Ctrl-C: say what was still not fixed (the step's error says only why it ended).
      const open = last.filter((c) => !c.verdict.ok);
      if (ctx.signal.aborted && open.length) ctx.log(`not fixed when the exercise ended: ${open.map((c) => `${c.check}: ${c.verdict.message}`).join('; ')}`, 'warn');
      throw err;
    }
    const fixedMs = Math.round(performance.now() - started);
    ctx.measure('exercise.timeToFix', fixedMs, 'ms');
    ctx.measure('exercise.hintsUsed', given);
    ctx.log(`fixed in ${formatDuration(fixedMs)}, ${used()}`);
    return { output: last.map((c) => `${c.check}: ${c.verdict.message}`).join('\n'), data: { timeToFixMs: fixedMs, hintsUsed: given } };
  },
};
