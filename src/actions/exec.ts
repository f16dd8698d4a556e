import { z } from 'zod';
import { argv, envVars, exitCode, positiveDuration } from '../drill/schema.js';
import { parseDuration } from '../drill/duration.js';
import { prettyCommand } from '../exec/errors.js';
import type { ActionModule } from '../engine/types.js';

const params = z.strictObject({
  run: argv,
  timeout: positiveDuration.optional().describe('Kill the command after this long (default: the step timeout)'),
  env: envVars.optional(),
  cwd: z.string().optional().describe('Working folder, relative to the drill file'),
  exitCode: exitCode.default(0).describe('The exit code that counts as success'),
});

/** Runs a command on the host. */
export const exec: ActionModule<z.infer<typeof params>> = {
  name: 'exec',
  summary: 'run a host command (argv array)',
  params,
  files: { folders: ['cwd'] },
  plan: (p) => [prettyCommand(p.run)],
  async run(ctx, p) {
    const result = await ctx.runner.run(p.run, {
      signal: ctx.signal,
      timeout: p.timeout ? parseDuration(p.timeout) : 24 * 3_600_000,
      env: p.env,
      cwd: p.cwd ?? ctx.drillDir,
      allowFailure: true,
    });
    if (result.exitCode !== p.exitCode) {
      const out = (result.stderr || result.stdout).trim();
      throw new Error(`${prettyCommand(p.run)} exited with code ${result.exitCode}, expected ${p.exitCode}${out ? `\n${out}` : ''}`);
    }
    return { output: result.stdout.trim() || undefined };
  },
};
