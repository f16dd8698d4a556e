import { z } from 'zod';
import { DURATION_PATTERN, durationProblem, MAX_DURATION, parseDuration } from './duration.js';
import { CONTROL } from './words.js';

const DURATION_WORDS = 'expected a duration such as 500ms, 10s or 2m';

/** The pattern (editors see it in the JSON Schema), then the range: what Node's timers hold, and 0 where it makes no sense. */
function durationOf(positive: boolean) {
  return z
    .string({ error: (iss) => (iss.input === undefined ? undefined : DURATION_WORDS) })
    .regex(new RegExp(DURATION_PATTERN), { message: DURATION_WORDS })
    // Text that is no duration at all is the pattern's to say.
    .refine((t) => parseDuration(t) === undefined || durationProblem(t, { positive }) === undefined, {
      error: (iss) => durationProblem(iss.input, { positive }),
    });
}

export const duration = durationOf(false).describe(`A duration: 500ms, 10s, 1.5s, 2m, 1h (at most ${MAX_DURATION})`);

/** A timeout or an interval: 0 would fire at once or spin. */
export const positiveDuration = durationOf(true).describe(`A duration longer than 0: 500ms, 10s, 1.5s, 2m, 1h (at most ${MAX_DURATION})`);

/**
 * A command as an argv array. YAML reads `[true]` or `[sleep, 1]` as a boolean and a number; the
 * drill author meant the words, so scalars become strings.
 */
export const argv = z
  .array(z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v)))
  .min(1)
  .superRefine((words, ctx) => {
    if (words.length > 0 && words[0]!.trim() === '') ctx.addIssue({ code: 'custom', path: [0], input: words[0], message: 'must not be empty: it is the program to run' });
    words.forEach((w, i) => {
      if (w.includes('\0')) ctx.addIssue({ code: 'custom', path: [i], input: w, message: "must not contain a NUL byte (\\0): a command's words end at it" });
    });
  })
  .describe('A command as an argv array: [program, arg, …]. Never a shell string.');

/** A command's environment: names without `=`, and no NUL byte anywhere (the OS ends each entry at it). */
export const envVars = z
  .record(
    z.string().regex(/^[^=\0]+$/, { message: 'an environment variable name must not be empty nor hold "=" or a NUL byte' }),
    z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v))
      .refine((v) => !v.includes('\0'), { message: "must not contain a NUL byte (\\0): a command's environment ends each value at it" }),
  )
  .describe('Environment variables: {NAME: value}');

const EXIT_CODE_WORDS = 'must be an exit code: a whole number from 0 to 255';

export const exitCode = z.number().int({ error: EXIT_CODE_WORDS }).min(0, { error: EXIT_CODE_WORDS }).max(255, { error: EXIT_CODE_WORDS });

export const paramValue = z.union([z.string(), z.number(), z.boolean()]);

export const NAME_PATTERN = '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$';

/** A lowercase name of at most `max` characters; `why` says where it goes (a folder, a host name). */
export const lowercaseName = (max: number, why: string, example: string) => z
  .string()
  .max(max, { error: `must have at most ${max} characters: ${why}` })
  .regex(new RegExp(NAME_PATTERN), { message: `expected a lowercase name (letters, digits, dashes), e.g. ${example}` });

/** Free text shown on one line (a step's name): no control characters, a length a terminal line holds. */
export const lineText = (max: number) => z
  .string()
  .min(1)
  .max(max, { error: `must have at most ${max} characters: it is shown on one line` })
  .refine((t) => !CONTROL.test(t), { message: 'must not contain control characters (newlines, tabs, escapes): it is shown on one line in terminals and reports' });

/**
 * The drill envelope, format v1. These names are a contract: other tools and docs rely on them.
 * Parameters of actions, invariants and probes are checked afterwards against each module's own
 * schema (see loader.ts); the JSON Schema joins both (jsonschema.ts).
 */
export const metadataSchema = z.strictObject({
  name: lowercaseName(63, 'it names the report folder', 'cp-node-loss').describe('Short name, used for the report folder'),
  title: z.string().optional().describe('One line shown in lists and reports'),
  description: z.string().optional(),
});

/** `{<invariant>: {…params, within, for}}`: exactly one key. */
export const checkSchema = z
  .record(z.string(), z.union([z.record(z.string(), z.unknown()), z.null()]))
  .refine((o) => Object.keys(o).length === 1, { message: 'expected exactly one check name as the key, e.g. {etcd.quorum: {healthy: 3}}' });

export const stepSchema = z.strictObject({
  name: lineText(120).describe('Unique within the drill; free text on one line'),
  action: z.string().min(1).describe('The action to run, e.g. exec, node.stop, etcd.put'),
  with: z.record(z.string(), z.unknown()).optional().describe("The action's parameters"),
  explain: z.string().optional().describe('Why this step matters: shown to trainees in --step mode and in reports'),
  timeout: positiveDuration.optional().describe('Abort the action after this long (default 5m)'),
  expect: z.array(checkSchema).optional().describe('Checked after this step, in addition to the invariants'),
  continueOnFailure: z.boolean().optional().describe('Keep going with the next step when this one fails'),
});

/** Each provider checks its own fields (loader.ts); the envelope only says a lab is a mapping. */
export const labSchema = z
  .object({ provider: z.string().min(1).optional().describe('local, etcd or kind (default local)') })
  .catchall(z.unknown());

const count = (what: string) => z.number().int({ error: `must be a whole number of ${what}` }).min(0, { error: `must be 0 or more ${what}` });

/** Bounds on the recovery figures (README, "Recovery figures"): one breached fails the run. */
export const budgetsSchema = z.strictObject({
  detection: duration.optional().describe('Longest time from a fault to its expectations holding'),
  writeGap: duration.optional().describe('Longest write unavailability during a fault (or, without faults, the whole run)'),
  recovery: duration.optional().describe('Longest time from the action undoing a fault to the steady state again'),
  rpoKeys: count('keys').optional().describe('Most acknowledged keys a snapshot restore may lose'),
  rpoRevisions: count('revisions').optional().describe('Most revisions a snapshot restore may lose'),
});

export const drillSchema = z.strictObject({
  apiVersion: z.literal('kdrill/v1'),
  kind: z.literal('Drill'),
  metadata: metadataSchema,
  lab: labSchema.optional().describe('Where the drill runs; without it, {provider: local}: the host itself, for drills of host commands'),
  params: z.record(z.string(), paramValue).optional().describe('Defaults; override with --set name=value; use as ${params.name}'),
  invariants: z.array(checkSchema).optional().describe('The steady state: checked before the first step and after every step'),
  probes: z.array(checkSchema).optional().describe('Continuous probes sampling during the whole drill'),
  guards: z.array(checkSchema).optional().describe('Checks polled during the steps (every interval, default 1s): the first that fails stops the steps at once, the restore runs, exit 1'),
  budgets: budgetsSchema.optional().describe('Bounds on detection, write gap, recovery and RPO; one breached fails the run'),
  steps: z.array(stepSchema).min(1),
  restore: z.array(stepSchema).optional().describe('Always runs after the steps: on pass, failure, timeout and Ctrl-C'),
});

export type RawDrill = z.infer<typeof drillSchema>;
export type RawStep = z.infer<typeof stepSchema>;
