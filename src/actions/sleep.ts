import { z } from 'zod';
import { setTimeout as delay } from 'node:timers/promises';
import { duration } from '../drill/schema.js';
import { parseDuration } from '../drill/duration.js';
import type { ActionModule } from '../engine/types.js';

const params = z.strictObject({ duration: duration.describe('How long to wait') });

export const sleep: ActionModule<z.infer<typeof params>> = {
  name: 'sleep',
  summary: 'wait a fixed time',
  params,
  plan: (p) => [`sleep ${p.duration}`],
  async run(ctx, p) {
    await delay(parseDuration(p.duration)!, undefined, { signal: ctx.signal });
  },
};
