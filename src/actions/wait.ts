import { z } from 'zod';
import type { Check } from '../drill/types.js';
import { checkSchema } from '../drill/schema.js';
import { evaluateChecks } from '../engine/checks.js';
import type { ActionModule } from '../engine/types.js';
import { formatDuration } from '../drill/duration.js';
import { invariants } from '../invariants/registry.js';

const params = z.strictObject({
  until: z.array(checkSchema).min(1).describe('Invariants to wait for; each uses its own `within` (default 30s)'),
});

/** Waits until the given invariants hold (each polled until its `within`). */
export const wait: ActionModule<{ until: Check[] }> = {
  name: 'wait',
  summary: 'wait until invariants hold',
  params: params as unknown as z.ZodType<{ until: Check[] }>,
  checkParams: ['until'],
  plan: (p, ctx) => p.until.flatMap((c) => [`until ${c.name} holds (within ${formatDuration(c.withinMs)}${c.forMs ? `, for ${formatDuration(c.forMs)}` : ''})`, ...invariants[c.name]!.plan(c.params, ctx).map((l) => `  ${l}`)]),
  async run(ctx, p) {
    const outcomes = await evaluateChecks(ctx, p.until, 'wait');
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) throw new Error(failed.map((o) => `${o.check}: ${o.message}`).join('; '));
    return { output: outcomes.map((o) => `${o.check}: ${o.message}`).join('\n') };
  },
};
