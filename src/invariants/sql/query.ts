import { z } from 'zod';
import { sqlOf } from '../../clients/sql.js';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { sqlTargetFields, targetOf } from '../../actions/sql/exec.js';

const params = z
  .strictObject({
    sql: z.string().min(1).describe('A query; its psql -At output (rows one a line, columns joined by |) is compared'),
    equals: z.union([z.string(), z.number()]).transform(String).optional().describe('The whole output must be exactly this'),
    contains: z.string().optional().describe('The output must contain this'),
    ...sqlTargetFields,
  })
  .refine((p) => (p.equals === undefined) !== (p.contains === undefined), { message: 'give exactly one of equals or contains' });
type Params = z.infer<typeof params>;

export function sqlQueryVerdict(p: Pick<Params, 'sql' | 'equals' | 'contains'>, out: string): Verdict {
  const got = out.trim();
  const shown = got === '' ? '(no rows)' : got.length > 300 ? `${got.slice(0, 300)}…` : got;
  if (p.equals !== undefined) {
    return got === p.equals
      ? { ok: true, message: `${p.sql} → ${shown}: as expected` }
      : { ok: false, message: `${p.sql} → ${shown}, expected ${p.equals}`, expected: p.equals, observed: shown };
  }
  return got.includes(p.contains!)
    ? { ok: true, message: `${p.sql} → contains "${p.contains}"` }
    : { ok: false, message: `${p.sql} → ${shown}, lacks "${p.contains}"`, expected: `output containing "${p.contains}"`, observed: shown };
}

export const sqlQuery: InvariantModule<Params> = {
  name: 'sql.query',
  summary: "a query on the lab's database returns what is expected (app data intact)",
  params: params as unknown as z.ZodType<Params>,
  requires: ['sql'],
  plan(p, ctx) {
    const sql = ctx.lab.sql;
    return sql ? sql.plan(p.sql, targetOf(p)) : [`psql -c ${JSON.stringify(p.sql)}`];
  },
  async check(ctx, p) {
    return sqlQueryVerdict(p, await sqlOf(ctx.lab).query(ctx, p.sql, targetOf(p)));
  },
};
