import { z } from 'zod';
import { sqlOf, type SqlTarget } from '../../clients/sql.js';
import { NS_NAME_PATTERN } from '../../clients/kube/paths.js';
import type { ActionModule } from '../../engine/types.js';

export const sqlTargetFields = {
  pod: z.string().regex(new RegExp(NS_NAME_PATTERN), { message: 'expected namespace/pod, e.g. bookstore/postgres-0' }).optional()
    .describe('On kind: the Postgres pod, namespace/name (default bookstore/postgres-0)'),
  database: z.string().min(1).optional().describe("Database (default: the lab's)"),
  user: z.string().min(1).optional().describe("Database user (default: the lab's)"),
};

const params = z.strictObject({
  sql: z.string().min(1).describe('SQL statement(s), run with psql -c (stops at the first error)'),
  ...sqlTargetFields,
});
type Params = z.infer<typeof params>;

export const targetOf = (p: { pod?: string; database?: string; user?: string }): SqlTarget => ({ pod: p.pod, database: p.database, user: p.user });

/** Writes or reads app data where it lives (Postgres), e.g. the chapter's ha_demo seed row. */
export const sqlExec: ActionModule<Params> = {
  name: 'sql.exec',
  summary: "run SQL in the lab's database (psql in the Postgres pod or worker)",
  params,
  requires: ['sql'],
  plan(p, ctx) {
    const sql = ctx.lab.sql;
    return sql ? sql.plan(p.sql, targetOf(p)) : [`psql -c ${JSON.stringify(p.sql)}`];
  },
  async run(ctx, p) {
    const out = await sqlOf(ctx.lab).query(ctx, p.sql, targetOf(p));
    return { output: out || undefined };
  },
};
