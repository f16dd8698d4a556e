import { z } from 'zod';
import type { Lab, LabEnv, LabProvider } from '../types.js';

const schema = z.strictObject({
  provider: z.literal('local'),
  name: z.string().default('local').describe('A label for reports; the local lab owns nothing.'),
});
type LocalSpec = z.infer<typeof schema>;

/** The host itself: for drills that only run host commands (and for testing the engine). */
export const localProvider: LabProvider<LocalSpec> = {
  name: 'local',
  summary: 'no lab: steps run host commands only',
  schema,
  capabilities: () => [],
  nodeNames: () => [],
  create(spec: LocalSpec, env: LabEnv): Lab {
    return {
      provider: 'local',
      name: spec.name,
      env,
      up: async () => ({ created: false }),
      down: async () => {},
      nodes: () => [],
      planUp: () => [],
      planDown: () => [],
    };
  },
};
