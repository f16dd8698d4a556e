import { z } from 'zod';
import { DURATION_PATTERN } from './duration.js';

/**
 * The drill envelope, format v1. These names are a contract: other tools and docs rely on them.
 * Parameters of actions, invariants and probes are checked afterwards against each module's own
 * schema (see loader.ts); the JSON Schema joins both (jsonschema.ts).
 */
export const duration = z
  .string()
  .regex(new RegExp(DURATION_PATTERN), { message: 'expected a duration such as 500ms, 10s or 2m' })
  .describe('A duration: 500ms, 10s, 1.5s, 2m, 1h');

/**
 * A command as an argv array. YAML reads `[true]` or `[sleep, 1]` as a boolean and a number; the
 * drill author meant the words, so scalars become strings.
 */
export const argv = z
  .array(z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v)))
  .min(1)
  .describe('A command as an argv array: [program, arg, …]. Never a shell string.');

export const paramValue = z.union([z.string(), z.number(), z.boolean()]);

export const NAME_PATTERN = '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$';

export const metadataSchema = z.strictObject({
  name: z
    .string()
    .regex(new RegExp(NAME_PATTERN), { message: 'expected a lowercase name (letters, digits, dashes), e.g. cp-node-loss' })
    .describe('Short name, used for the report folder'),
  title: z.string().optional().describe('One line shown in lists and reports'),
  description: z.string().optional(),
});

/** `{<invariant>: {…params, within, for}}`: exactly one key. */
export const checkSchema = z
  .record(z.string(), z.union([z.record(z.string(), z.unknown()), z.null()]))
  .refine((o) => Object.keys(o).length === 1, { message: 'expected exactly one check name as the key, e.g. {etcd.quorum: {healthy: 3}}' });

export const stepSchema = z.strictObject({
  name: z.string().min(1).describe('Unique within the drill'),
  action: z.string().min(1).describe('The action to run, e.g. exec, node.stop, etcd.put'),
  with: z.record(z.string(), z.unknown()).optional().describe("The action's parameters"),
  explain: z.string().optional().describe('Why this step matters: shown to trainees in --step mode and in reports'),
  timeout: duration.optional().describe('Abort the action after this long (default 5m)'),
  expect: z.array(checkSchema).optional().describe('Checked after this step, in addition to the invariants'),
  continueOnFailure: z.boolean().optional().describe('Keep going with the next step when this one fails'),
});

export const labSchema = z
  .object({ provider: z.string().min(1).describe('local, etcd or kind') })
  .catchall(z.unknown());

export const drillSchema = z.strictObject({
  apiVersion: z.literal('kdrill/v1'),
  kind: z.literal('Drill'),
  metadata: metadataSchema,
  lab: labSchema,
  params: z.record(z.string(), paramValue).optional().describe('Defaults; override with --set name=value; use as ${params.name}'),
  invariants: z.array(checkSchema).optional().describe('The steady state: checked before the first step and after every step'),
  probes: z.array(checkSchema).optional().describe('Continuous probes sampling during the whole drill'),
  steps: z.array(stepSchema).min(1),
  restore: z.array(stepSchema).optional().describe('Always runs after the steps: on pass, failure, timeout and Ctrl-C'),
});

export type RawDrill = z.infer<typeof drillSchema>;
export type RawStep = z.infer<typeof stepSchema>;
