import { psqlArgs, type SqlAccess, type SqlTarget } from '../../clients/sql.js';
import { prettyCommand } from '../../exec/errors.js';
import { workerContainer, type WorkerSpec } from './worker.js';

/**
 * SQL on the etcd lab: psql inside the worker container (`docker exec <lab>-worker psql …`);
 * the lab returns this from `lab.get('sql')` when it has `worker: postgres`.
 */
export function psqlArgv(lab: string, spec: WorkerSpec, sql: string, target: SqlTarget = {}): string[] {
  if (target.pod !== undefined) {
    // Said plainly rather than ignored: on kind the same drill picks a pod, here there is none.
    throw new Error(`the etcd lab has no pods (pod "${target.pod}"): SQL runs in ${workerContainer(lab)}; drop "pod"`);
  }
  return ['docker', 'exec', workerContainer(lab), ...psqlArgs(sql, target.user ?? 'postgres', target.database ?? spec.database)];
}

export function workerSql(lab: string, spec: WorkerSpec, timeoutMs = 30_000): SqlAccess {
  return {
    plan: (sql, target) => [prettyCommand(psqlArgv(lab, spec, sql, target))],
    async query(ctx, sql, target) {
      const r = await ctx.runner.run(psqlArgv(lab, spec, sql, target), { signal: ctx.signal, timeout: timeoutMs });
      // psql -At ends with a newline; the rows themselves are the answer.
      return r.stdout.replace(/\n$/, '');
    },
  };
}
