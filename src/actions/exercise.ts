import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { Check } from '../drill/types.js';
import { checkSchema, positiveDuration } from '../drill/schema.js';
import { formatDuration, parseDuration } from '../drill/duration.js';
import { errorMessage } from '../engine/errors.js';
import type { ActionModule, Context, Verdict } from '../engine/types.js';
import { wrap } from '../engine/plan.js';

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

/**
 * The student's step (issue 17): the steps before it broke the lab; kdrill gives the task, releases
 * the hints over time and polls the checks until the student's repair makes them all hold. It has
 * no deadline of its own (give the step a `timeout`); Ctrl-C ends it and the restore runs. Time to
 * fix and hints used are the step's figures.
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
    for (const line of ['YOUR TURN:', ...wrap(p.task, 74)]) ctx.log(line);
    const started = performance.now();
    let given = 0;
    let last: Array<{ check: string; verdict: Verdict }> = [];
    for (;;) {
      const elapsed = performance.now() - started;
      while (given < hints.length && hints[given]!.ms <= elapsed) {
        ctx.log(`hint ${given + 1}/${hints.length} (after ${formatDuration(hints[given]!.ms)}): ${hints[given]!.text}`);
        given++;
      }
      const broken = (await holdAll(ctx, p.watch)).find((c) => !c.verdict.ok);
      if (broken) {
        ctx.measure('exercise.hintsUsed', given);
        throw new Error(`${broken.check}: ${broken.verdict.message}`);
      }
      last = await holdAll(ctx, p.until);
      if (last.every((c) => c.verdict.ok)) break;
      await delay(pollMs, undefined, { signal: ctx.signal });
    }
    const fixedMs = Math.round(performance.now() - started);
    ctx.measure('exercise.timeToFix', fixedMs, 'ms');
    ctx.measure('exercise.hintsUsed', given);
    ctx.log(`fixed in ${formatDuration(fixedMs)}, ${given} of ${hints.length} hint${hints.length === 1 ? '' : 's'} used`);
    return { output: last.map((c) => `${c.check}: ${c.verdict.message}`).join('\n'), data: { timeToFixMs: fixedMs, hintsUsed: given } };
  },
};
