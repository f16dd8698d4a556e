import type { Context } from '../engine/types.js';
import type { Lab } from '../labs/types.js';

/**
 * The `sql` capability: psql where the app's data lives. On kind, inside a pod
 * (`kubectl exec -n bookstore postgres-0 -- psql …`); on the etcd lab, in its worker container.
 */
export interface SqlTarget {
  /** `namespace/name` of the pod on kind (e.g. bookstore/postgres-0). */
  pod?: string;
  database?: string;
  user?: string;
}

/** What running SQL needs from the context (a Context qualifies). */
export type SqlContext = Pick<Context, 'runner' | 'signal'>;

export interface SqlAccess {
  /** The exact command(s) for --dry-run. */
  plan(sql: string, target: SqlTarget): string[];
  /** Runs the statement(s); resolves to psql's `-At` output (rows one a line, columns joined by `|`). */
  query(ctx: SqlContext, sql: string, target: SqlTarget): Promise<string>;
}

export function sqlOf(lab: Lab): SqlAccess {
  const s = lab.sql;
  if (!s) throw new Error(`lab "${lab.name}" (${lab.provider}) has no SQL database (kind: a Postgres pod; etcd lab: worker: postgres)`);
  return s;
}

/** psql's flags for a drill: no ~/.psqlrc, quiet, unaligned tuples only, stop at the first error. */
export function psqlArgs(sql: string, user: string, database: string): string[] {
  return ['psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-U', user, '-d', database, '-c', sql];
}
