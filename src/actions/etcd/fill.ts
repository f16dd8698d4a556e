import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { anyMember, errText, OPS_DEADLINE_MS } from '../../clients/etcd/ops.js';
import { need } from '../../labs/types.js';
import { byteSize, formatBytes } from '../../drill/units.js';

const params = z.strictObject({
  prefix: z.string().default('/kdrill/fill/').describe('Keys written: <prefix>0 … <prefix><keys-1>'),
  keys: z.number().int().positive().default(4)
    .describe('Distinct keys, overwritten in turn: the growth is history, which a compaction can free (like Events churning)'),
  valueSize: byteSize.default(64 * 1024).describe('Bytes per value'),
  maxPuts: z.number().int().positive().default(20_000).describe('Give up (and fail) after this many puts without NOSPACE'),
  untilNospace: z.boolean().default(true).describe('false: just churn maxPuts writes (history for a compaction/defrag), no alarm expected'),
});
type Params = z.infer<typeof params>;

export const isNoSpace = (e: unknown): boolean => /database space exceeded|NOSPACE|resource.?exhausted/i.test(errText(e));

/**
 * Writes until etcd answers "database space exceeded" (the NOSPACE alarm), with a small quota set on
 * the lab (`lab: {quota: 16MiB}`). A Put that returned NoSpace may still have been applied, so the
 * key is read back before the write is counted either way.
 */
export const fill: ActionModule<Params> = {
  name: 'etcd.fill',
  summary: 'write until the NOSPACE alarm (needs a small quota on the lab; or untilNospace: false to churn history); measures how long it took',
  params,
  requires: ['etcd'],
  leavesBehind: 'history in the backend (the NOSPACE alarm when it fills the quota)',
  plan: (p) => [`etcdctl put ${p.prefix}<i mod ${p.keys}> <${formatBytes(p.valueSize)}> … until "database space exceeded"`],
  async run(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    // Printable (base64's letters): etcdctl's transaction reads a value as text, with no escape to decode.
    const value = Buffer.from(randomBytes(Math.ceil((p.valueSize * 3) / 4)).toString('base64').slice(0, p.valueSize), 'latin1');
    const started = performance.now();
    const { batch, hit: result } = await anyMember(etcd, ctx.signal, async (m, node) => {
      // Where each call is a process (etcdctl in the node), a transaction of puts a call; the keys of
      // one transaction are distinct (etcd refuses a key twice in a txn).
      const batch = m.putAll ? batchOf(p) : 1;
      for (let i = 0; i < p.maxPuts; i += batch) {
        if (ctx.signal.aborted) throw new Error('aborted');
        const n = Math.min(batch, p.maxPuts - i);
        // The first bytes say which put this was, so a read-back tells our write from an older one.
        const entries = Array.from({ length: n }, (_, j) => {
          const v = n === 1 ? value : Buffer.from(value);
          v.write((i + j).toString(16).padStart(8, '0'), 0, 'latin1');
          return [`${p.prefix}${(i + j) % p.keys}`, v] as const;
        });
        try {
          await (m.putAll ? m.putAll(entries, OPS_DEADLINE_MS) : m.put(entries[0]![0], entries[0]![1], OPS_DEADLINE_MS));
        } catch (err) {
          if (!isNoSpace(err)) throw err;
          // A transaction is all or none: its last key read back says for all of it.
          const [key, last] = entries.at(-1)!;
          const back = await m.get(key, OPS_DEADLINE_MS).catch(() => null);
          const applied = back !== null && back.equals(last);
          return { batch, hit: { puts: i + (applied ? n : 0), applied, member: node, lastWrite: n } };
        }
      }
      return { batch };
    });
    const seconds = (performance.now() - started) / 1000;
    if (!result && !p.untilNospace) {
      ctx.measure('fill.puts', p.maxPuts);
      ctx.measure('fill.bytes', p.maxPuts * p.valueSize, 'bytes');
      return { output: `${p.maxPuts} puts of ${formatBytes(p.valueSize)} over ${p.keys} keys (${formatBytes(p.maxPuts * p.valueSize)} of history) in ${seconds.toFixed(1)} s${inBatches(batch)}` };
    }
    if (!result) throw new Error(`${p.maxPuts} puts of ${formatBytes(p.valueSize)} without NOSPACE: is a small quota set ${ctx.lab.etcdQuotaIsSet ?? 'on every etcd member (--quota-backend-bytes)'}?`);
    ctx.measure('fill.puts', result.puts);
    ctx.measure('fill.bytes', result.puts * p.valueSize, 'bytes');
    ctx.measure('fill.timeToNospace', Math.round(seconds * 1000), 'ms');
    const last = result.lastWrite === 1 ? 'that last put' : `that last transaction (${result.lastWrite} puts)`;
    const note = result.applied ? ` (${last} returned NoSpace but WAS applied: read back before judging)` : '';
    return {
      output: `NOSPACE after ${result.puts} accepted puts (${formatBytes(result.puts * p.valueSize)}) in ${seconds.toFixed(1)} s via ${result.member}${inBatches(batch)}${note}`,
      data: { puts: result.puts, lastPutApplied: result.applied },
    };
  },
};

/** A transaction's puts: one per key at most, ≤ 1 MiB of values (etcd's request limit is 1.5 MiB), ≤ 64 ops (its --max-txn-ops is 128). */
export const batchOf = (p: { keys: number; valueSize: number }): number => Math.max(1, Math.min(p.keys, 64, Math.floor(MAX_TXN_BYTES / p.valueSize)));
const MAX_TXN_BYTES = 1024 * 1024;

const inBatches = (n: number): string => (n > 1 ? `, in transactions of ${n} puts (etcdctl in the node: a process a call)` : '');
