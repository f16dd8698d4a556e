import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { modules } from '../../src/cli/modules.js';
import { parseDrill } from '../../src/drill/loader.js';
import { InvalidDrillError, type Problem } from '../../src/engine/errors.js';

/**
 * `validate` on kind with etcdAccess: exec (etcdctl in the nodes, the Docker Desktop path): every etcd
 * step loads, except the etcd.writes probe, which needs gRPC and is refused before anything runs, with
 * the reason. With etcdAccess: direct everything loads. Before the lab contract (ba41a8d) exec loaded
 * and silently used direct TLS. The drills are the project's own, with their lab switched to kind.
 */
const root = path.resolve(import.meta.dirname, '../..');
const CONFIG = path.join(root, 'clusters/kind-ha-3cp.yaml');

function onKind(drill: string, etcdAccess: 'direct' | 'exec'): string {
  const doc = parse(readFileSync(path.join(root, drill), 'utf8')) as Record<string, unknown>;
  doc.lab = { provider: 'kind', name: 'kdrill-refusal', config: CONFIG, etcdAccess };
  return stringify(doc);
}

function problems(drill: string, etcdAccess: 'direct' | 'exec'): Problem[] {
  try {
    parseDrill(onKind(drill, etcdAccess), path.join(root, drill), { modules });
  } catch (err) {
    if (err instanceof InvalidDrillError) return err.problems;
    throw err;
  }
  return [];
}

const GRPC_ONLY = /^\S+: (etcd\.writes) needs etcd over gRPC \(ten writes a second through docker exec would measure docker exec, not etcd\); this lab reaches etcd through etcdctl in its nodes \(etcdAccess: exec\)$/;

/** Every module name a drill uses that talks to etcd: actions, expectations, `wait` conditions, invariants, probes. */
function etcdModules(drill: string): string[] {
  const names = new Set<string>();
  const visit = (v: unknown, key?: string): void => {
    if (Array.isArray(v)) return v.forEach((x) => visit(x, key));
    if (typeof v !== 'object' || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'action' && typeof x === 'string') names.add(x);
      else if (['expect', 'until', 'invariants', 'probes'].includes(key ?? '') && /^(etcd|snapshot)\./.test(k)) names.add(k);
      visit(x, k);
    }
  };
  visit(parse(readFileSync(path.join(root, drill), 'utf8')));
  return [...names].filter((n) => /^(etcd|snapshot)\./.test(n)).sort();
}

describe('validate on kind with etcdAccess: exec: etcd steps load; only the gRPC-only write probe is refused, with the reason', () => {
  it.each([
    'drills/etcd/defrag-safely.yaml', 'drills/etcd/nospace-acdd.yaml', 'drills/etcd/snapshot-verified.yaml', 'drills/etcd/member-replace.yaml',
    'drills/etcd/full-restore.yaml', 'drills/kind/etcd-defrag.yaml', 'drills/kind/etcd-snapshot.yaml', 'drills/kind/cp-node-loss.yaml',
  ])('%s', (drill) => {
    expect(etcdModules(drill).length).toBeGreaterThan(0);
    const refused = problems(drill, 'exec').map((p) => GRPC_ONLY.exec(p.message)?.[1] ?? p.message);
    expect(refused).toEqual(etcdModules(drill).filter((n) => n === 'etcd.writes'));
    expect(problems(drill, 'direct')).toEqual([]);
  });
});
