import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { modules } from '../../src/cli/modules.js';
import { parseDrill } from '../../src/drill/loader.js';
import { InvalidDrillError, type Problem } from '../../src/engine/errors.js';

/**
 * `validate` on kind refuses, before anything runs, every etcd step when the lab reaches etcd with
 * etcdAccess: exec (that transport is not built yet), naming the reason; with etcdAccess: direct the
 * same drills load. Before the lab contract (ba41a8d) they loaded either way, and exec silently used
 * direct TLS. The drills are the project's own, with their lab switched to kind; member replace and
 * full restore load on kind since 568e4ae (its member host) and are run in
 * test/labs/kind/kind-drills.test.ts.
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

const EXEC = /^\S+: (\S+) needs etcd access: this kind lab reaches etcd with etcdAccess: exec \(set in the lab\), and etcd steps through docker exec are not built yet: set etcdAccess: direct on Linux, where node IPs are reachable$/;

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

describe('validate on kind with etcdAccess: exec: every etcd step refused before anything runs, with the reason', () => {
  it.each([
    'drills/etcd/defrag-safely.yaml', 'drills/etcd/nospace-acdd.yaml', 'drills/etcd/snapshot-verified.yaml', 'drills/etcd/member-replace.yaml',
    'drills/etcd/full-restore.yaml', 'drills/kind/etcd-defrag.yaml', 'drills/kind/etcd-snapshot.yaml', 'drills/kind/cp-node-loss.yaml',
  ])(
    '%s with etcdAccess: exec: every etcd step, expectation, invariant and probe is refused; with direct it loads', (drill) => {
      const found = problems(drill, 'exec');
      const named = found.map((p) => EXEC.exec(p.message)?.[1] ?? p.message);
      expect([...new Set(named)].sort()).toEqual(etcdModules(drill));
      expect(problems(drill, 'direct')).toEqual([]);
    });
});
