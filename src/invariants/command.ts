import { z } from 'zod';
import { argv, exitCode, positiveDuration } from '../drill/schema.js';
import { parseDuration } from '../drill/duration.js';
import { prettyCommand } from '../exec/errors.js';
import type { InvariantModule, Verdict } from '../engine/types.js';

const params = z.strictObject({
  run: argv,
  exitCode: exitCode.default(0),
  stdoutContains: z.string().optional(),
  stdoutMatches: z
    .string()
    .superRefine((t, ctx) => {
      try {
        new RegExp(t);
      } catch (err) {
        ctx.addIssue({ code: 'custom', input: t, message: `must be a regular expression: ${(err as Error).message}` });
      }
    })
    .optional()
    .describe('A regular expression the output must match'),
  timeout: positiveDuration.default('10s').describe('Each attempt is killed after this long'),
});
type Params = z.infer<typeof params>;

/** Pure verdict: does an observed run satisfy the expectation? */
export function commandVerdict(p: Params, observed: { exitCode: number; stdout: string }): Verdict {
  const cmd = prettyCommand(p.run);
  if (observed.exitCode !== p.exitCode) {
    return { ok: false, message: `${cmd} exited with ${observed.exitCode}`, expected: `exit code ${p.exitCode}`, observed: `exit code ${observed.exitCode}` };
  }
  const out = observed.stdout.trim();
  if (p.stdoutContains !== undefined && !out.includes(p.stdoutContains)) {
    return { ok: false, message: `${cmd} output lacks "${p.stdoutContains}"`, expected: `output containing "${p.stdoutContains}"`, observed: clip(out) };
  }
  if (p.stdoutMatches !== undefined && !new RegExp(p.stdoutMatches).test(out)) {
    return { ok: false, message: `${cmd} output does not match /${p.stdoutMatches}/`, expected: `output matching /${p.stdoutMatches}/`, observed: clip(out) };
  }
  return { ok: true, message: `${cmd} exited ${observed.exitCode}${p.stdoutContains || p.stdoutMatches ? ' with the expected output' : ''}` };
}

function clip(s: string): string {
  return s.length > 500 ? `${s.slice(0, 500)}…` : s;
}

export const command: InvariantModule<Params> = {
  name: 'command',
  summary: 'a host command exits as expected (and prints what is expected)',
  params,
  plan: (p) => [prettyCommand(p.run)],
  async check(ctx, p) {
    const r = await ctx.runner.run(p.run, { signal: ctx.signal, timeout: parseDuration(p.timeout), allowFailure: true, cwd: ctx.drillDir });
    return commandVerdict(p, r);
  },
};
