import { z } from 'zod';
import type { Lab, LabEnv, LabProvider } from '../types.js';

const schema = z.strictObject({
  provider: z.literal('local'),
  // Docker's rule for names: the name also names the lab's state folder (~/.kdrill/labs/local-<name>).
  name: z
    .string()
    .max(63, { error: "must have at most 63 characters: it names the lab's state folder" })
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, { message: 'expected a name of letters, digits, _ . and - (starting with a letter or digit), e.g. local' })
    .default('local')
    .describe('A label for reports; the local lab owns nothing.'),
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
