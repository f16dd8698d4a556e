import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { positiveDuration } from '../../drill/schema.js';
import { parseDuration } from '../../drill/duration.js';
import type { ProbeModule } from '../../engine/types.js';
import { within, type EtcdClient } from '../../clients/etcd/client.js';
import { need } from '../../labs/types.js';
import { deletes, lastRestore, ledger, type DeleteRecord, type LedgerEntry } from '../../clients/etcd/ledger.js';
import { checkHistory, type Operation } from '../../history/linearizable.js';
import { saveHistory } from '../../history/saved.js';
import { seeded as seededRandom } from '../../history/search.js';

const params = z.strictObject({
  writers: z.number().int().min(1).max(32).default(4).describe('Concurrent clients, each one operation at a time'),
  keys: z.number().int().min(1).max(1000).default(4).describe('Keys the clients share (each a register)'),
  prefix: z.string().min(1).default('kdrill/probe/history/').describe('Prefix of the keys'),
  interval: positiveDuration.default('50ms').describe('Pause of each client between two operations'),
  attemptDeadline: positiveDuration.default('500ms').describe('Deadline of one operation; past it the outcome is unknown'),
  checkBudget: positiveDuration.default('10s').describe('Time for the linearizability check at the end'),
  seed: z.number().int().min(0).optional().describe("Seed of each client's key and put/get choices (a campaign's round replays them); unset: random"),
});
type Params = z.output<typeof params>;

/**
 * Records every operation of concurrent clients (puts of unique values and linearizable gets), then
 * checks the history at the end: linearizable per key, and no acknowledged write lost (a final read
 * of each key). An error is an unknown outcome, never a failure: a put that timed out may have been
 * applied (etcd's robustness tests count it the same way). The history goes to history.jsonl.
 */
export const etcdHistory: ProbeModule<Params> = {
  name: 'etcd.history',
  summary: 'concurrent clients record every put and get; linearizable, and no acknowledged write lost',
  params,
  requires: ['etcd'],
  grpcOnly: 'each operation\'s call and return times are the point: through docker exec they would be docker\'s',
  plan: (p) => [`${p.writers} clients: put or get one of ${p.keys} keys under ${p.prefix} every ${p.interval} (${p.attemptDeadline} deadline); at the end, a final read of each key, the history written to history.jsonl and checked: linearizable, 0 acknowledged writes lost`],
  async start(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    const nodes = etcd.members().map((e) => e.node);
    const clients = new Map<string, EtcdClient>();
    for (const n of nodes) clients.set(n, await etcd.newClient(n));
    const attemptMs = parseDuration(p.attemptDeadline)!;
    const pause = parseDuration(p.interval)!;
    const history: Operation[] = [];
    const now = (): number => ctx.events.now();
    const keyOf = (i: number): string => `${p.prefix}${i % p.keys}`;
    const keys = Array.from({ length: p.keys }, (_, i) => keyOf(i));
    // A kept lab holds the keys an earlier run left: their values are each key's first value, and this
    // run's values carry a mark of their own, so that a read names one write of this run or that value.
    const initial = await finalReads(clients, nodes, keys, INITIAL_READ_MS);
    const missing = keys.filter((k) => !initial.has(k));
    if (missing.length) {
      for (const c of clients.values()) c.close();
      throw new Error(`etcd.history: cannot read ${missing.join(', ')} before the drill (no member answered within ${INITIAL_READ_MS / 1000} s): the history would have no known start`);
    }
    const mark = randomBytes(3).toString('hex');
    let stopped = false;

    const writer = async (w: number): Promise<void> => {
      const client = `w${w}`;
      // Each client starts on its own member and moves to the next one after an error, like a client with several endpoints.
      let target = w % nodes.length;
      const seeded = p.seed === undefined ? undefined : seededRandom(p.seed * 33 + w);
      const rand = seeded ? () => seeded() / 2 ** 32 : Math.random;
      for (let seq = 1; !stopped; seq++) {
        const key = keyOf(Math.floor(rand() * p.keys));
        const isPut = rand() < 0.5;
        const etcd3 = clients.get(nodes[target]!)!;
        const op: Operation = { client, key, op: isPut ? 'put' : 'get', value: isPut ? `${mark}-${client}-${seq}` : null, call: now(), return: Infinity, outcome: 'unknown' };
        history.push(op);
        try {
          if (isPut) {
            const res = await etcd3.put(key).value(op.value!).options(within(attemptMs)).exec();
            op.revision = Number(res.header.revision);
          } else op.value = await etcd3.get(key).options(within(attemptMs)).string();
          op.return = now();
          op.outcome = 'ok';
        } catch {
          op.return = now();
          target = (target + 1) % nodes.length;
        }
        await delay(pause);
      }
    };
    const running = Array.from({ length: p.writers }, (_, w) => writer(w + 1));

    return {
      async stop() {
        stopped = true;
        await Promise.all(running);
        // The drill's own writes (etcd.seed) and deletes are checked with the probe's: after a
        // restore, the seeded keys written after the snapshot are the RPO etcd.rpo counts.
        const drillOps = drillOperations(ledger(ctx.state), deletes(ctx.state));
        const drillKeys = [...new Set(drillOps.map((o) => o.key))];
        const budgetMs = parseDuration(p.checkBudget)!;
        const final = await finalReads(clients, nodes, [...keys, ...drillKeys], budgetMs);
        for (const c of clients.values()) c.close();
        // A snapshot restore during the drill: the writes acknowledged after the snapshot are its RPO.
        const r = lastRestore(ctx.state);
        const restore = r?.startMs !== undefined && r.endMs !== undefined ? { revision: r.snapshotRevision, start: r.startMs, end: r.endMs } : undefined;
        const all = [...history, ...drillOps];
        const options = { initial, final, restore, budgetMs };
        // Kept in the run folder, so that `kdrill check-history <run dir>` can do the check again.
        await saveHistory(ctx.runDir, all, options);
        const verdict = checkHistory(all, options);
        const lines = [...verdict.lines];
        if (verdict.rpo) {
          const seeded = verdict.rpo.writes.filter((o) => o.client === SEED).length;
          ctx.measure('rpo.historyWrites', verdict.rpo.writes.length, 'writes');
          ctx.measure('rpo.seededWrites', seeded, 'writes');
          lines.push(`of the RPO: ${seeded} by etcd.seed (the keys etcd.rpo counts), ${verdict.rpo.writes.length - seeded} by this probe's clients`);
        }
        const acked = history.filter((o) => o.op === 'put' && o.outcome === 'ok').length;
        const message = `${history.length} operations (${acked} acknowledged writes) by ${p.writers} clients on ${p.keys} keys` +
          `${drillOps.length ? `, with the drill's ${drillOps.length} writes and deletes of ${drillKeys.length} keys` : ''}: ${lines.join('\n')}`;
        ctx.events.emit({ type: 'probe.summary', probe: 'etcd.history', ok: verdict.ok, message, windows: [], perStep: [] });
        return { ok: verdict.ok, message, expected: 'linearizable, 0 acknowledged writes lost', observed: verdict.lines[0] };
      },
    };
  },
};

const SEED = 'etcd.seed';
const INITIAL_READ_MS = 10_000;

/**
 * The drill's acknowledged writes (etcd.seed, with their times) and deletes as operations: a delete
 * is a write of the empty value on every seeded key it covers; one not acknowledged, an unknown outcome.
 */
export function drillOperations(entries: readonly LedgerEntry[], deleted: readonly DeleteRecord[]): Operation[] {
  const ops: Operation[] = [];
  const keys = new Set<string>();
  for (const e of entries) {
    if (e.value === undefined || e.call === undefined || e.return === undefined) continue;
    keys.add(e.key);
    ops.push({ client: SEED, key: e.key, op: 'put', value: e.value, call: e.call, return: e.return, outcome: 'ok', revision: e.revision });
  }
  for (const d of deleted) {
    for (const key of keys) {
      if (!(d.prefix ? key.startsWith(d.key) : key === d.key)) continue;
      ops.push({ client: 'etcd.delete', key, op: 'put', value: null, call: d.call, ...(d.return === undefined ? { return: Infinity, outcome: 'unknown' } : { return: d.return, outcome: 'ok' }) });
    }
  }
  return ops;
}

/** Each key read once the drill is over, from the first member that answers (a linearizable read). */
async function finalReads(clients: Map<string, EtcdClient>, nodes: string[], keys: string[], budgetMs: number): Promise<Map<string, string | null>> {
  const final = new Map<string, string | null>();
  const until = Date.now() + budgetMs;
  for (const key of keys) {
    for (let i = 0; !final.has(key) && Date.now() < until; i++) {
      try { final.set(key, await clients.get(nodes[i % nodes.length]!)!.get(key).options(within(1_000)).string()); } catch { await delay(100); }
    }
  }
  return final;
}
