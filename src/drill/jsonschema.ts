import { z } from 'zod';
import type { Modules } from '../engine/types.js';
import { drillSchema, duration, positiveDuration, stepSchema } from './schema.js';

type Module = { name: string; summary: string; params: z.ZodType };

const CHECK_TIMING = { within: duration.optional().describe('Poll until it holds, at most this long (default 30s)'), for: duration.optional().describe('It must then keep holding this long') };
const GUARD_TIMING = { interval: positiveDuration.optional().describe('How often the guard polls during the steps (default 1s)') };

/** `{name: {...params, within, for}}` for each module: what an editor should offer in a check list (a guard: `interval`). */
function checkUnion(mods: Record<string, Module>, timing: Record<string, z.ZodType> = CHECK_TIMING): z.ZodType {
  const options = Object.values(mods).map((m) => {
    const body = m.params instanceof z.ZodObject ? m.params.extend(timing) : z.intersection(m.params, z.object(timing));
    return z.strictObject({ [m.name]: body.describe(m.summary) });
  });
  return options.length === 1 ? options[0]! : z.union(options as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
}

/**
 * The drill format as a JSON Schema, built from the same zod schemas the loader uses: the envelope,
 * each action's `with`, each invariant's and probe's parameters, each lab provider's fields.
 */
export function drillJsonSchema({ actions, invariants, probes, labs: labProviders }: Modules): Record<string, unknown> {
  // Named definitions ($defs) keep the schema small: the check list appears in every step.
  const checks = z.array(checkUnion(invariants).meta({ id: 'check' }));
  const step = z.union(
    Object.values(actions).map((a) =>
      stepSchema.extend({ action: z.literal(a.name).describe(a.summary), with: a.params.optional(), expect: checks.optional() }),
    ) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]],
  ).meta({ id: 'step' });
  const labs = z.union(Object.values(labProviders).map((p) => p.schema.describe(p.summary)) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  const full = drillSchema.extend({
    lab: labs.optional().describe(drillSchema.shape.lab.description ?? ''),
    invariants: checks.optional().describe('The steady state: checked before the first step and after every step'),
    probes: z.array(checkUnion(probes).meta({ id: 'probe' })).optional(),
    guards: z.array(checkUnion(invariants, GUARD_TIMING).meta({ id: 'guard' })).optional().describe(drillSchema.shape.guards.description ?? ''),
    steps: z.array(step).min(1),
    restore: z.array(step).optional(),
  });
  const schema = allowParamRefs(z.toJSONSchema(full, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' })) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: 'https://kdrill.dev/schema/drill.schema.json',
    title: 'kdrill drill (kdrill/v1)',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

/** A value that contains `${params.x}`: checked by `kdrill validate` once the param is substituted. */
const PARAM_REF = { type: 'string', pattern: '\\$\\{params\\.[A-Za-z_][A-Za-z0-9_-]*\\}', description: 'a ${params.<name>} reference' };

/**
 * Editors validate the file as written, before `${params.x}` is substituted: wherever a number, a
 * boolean or a patterned string is expected (outside `params`), a param reference is accepted too.
 */
function allowParamRefs(node: unknown, key?: string): unknown {
  if (Array.isArray(node)) return node.map((n) => allowParamRefs(n));
  if (!node || typeof node !== 'object') return node;
  const obj = Object.fromEntries(
    Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, k === 'params' && key === 'properties' ? v : allowParamRefs(v, k)]),
  ) as Record<string, unknown>;
  const t = obj.type;
  const scalar = t === 'number' || t === 'integer' || t === 'boolean' || (t === 'string' && ('pattern' in obj || 'enum' in obj)) || (Array.isArray(t) && t.includes('number'));
  return scalar && !('const' in obj) ? { anyOf: [obj, PARAM_REF] } : obj;
}
