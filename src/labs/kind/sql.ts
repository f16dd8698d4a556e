import { prettyCommand } from '../../exec/errors.js';
import { kubectlArgv } from '../../clients/kube/access.js';
import { psqlArgs, type SqlAccess, type SqlTarget } from '../../clients/sql.js';
import { splitRef } from '../../clients/kube/paths.js';

/** The Bookstore's database, as the chapter reaches it: `kubectl exec -n bookstore postgres-0 -- psql -U bookstore -d bookstore`. */
export const BOOKSTORE_SQL = { pod: 'bookstore/postgres-0', user: 'bookstore', database: 'bookstore' } as const;

export function kindPsqlArgv(kubeconfig: string, sql: string, target: SqlTarget): string[] {
  const { namespace, name } = splitRef(target.pod ?? BOOKSTORE_SQL.pod, 'bookstore');
  return kubectlArgv(kubeconfig, ['exec', '-n', namespace, name, '--', ...psqlArgs(sql, target.user ?? BOOKSTORE_SQL.user, target.database ?? BOOKSTORE_SQL.database)]);
}

export function kindSql(kubeconfig: string, timeoutMs = 60_000): SqlAccess {
  return {
    plan: (sql, target) => [prettyCommand(kindPsqlArgv(kubeconfig, sql, target))],
    async query(ctx, sql, target) {
      const r = await ctx.runner.run(kindPsqlArgv(kubeconfig, sql, target), { signal: ctx.signal, timeout: timeoutMs });
      return r.stdout.replace(/\n$/, '');
    },
  };
}
