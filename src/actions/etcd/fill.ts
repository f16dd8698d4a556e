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
    const value = randomBytes(p.valueSize);
    const started = performance.now();
    const result = await anyMember(etcd, ctx.signal, async (m, node) => {
      for (let i = 0; i < p.maxPuts; i++) {
        if (ctx.signal.aborted) throw new Error('aborted');
        const key = `${p.prefix}${i % p.keys}`;
        // The last bytes say which put this was, so a read-back tells our write from an older one.
        value.writeUInt32BE(i, 0);
        try {
          await m.put(key, value, OPS_DEADLINE_MS);
        } catch (err) {
          if (!isNoSpace(err)) throw err;
          const back = await m.get(key, OPS_DEADLINE_MS).catch(() => null);
          const applied = back !== null && back.equals(value);
          return { puts: i + (applied ? 1 : 0), hitAt: i, applied, member: node };
        }
      }
      return undefined;
    });
    const seconds = (performance.now() - started) / 1000;
    if (!result && !p.untilNospace) {
      ctx.measure('fill.puts', p.maxPuts);
      ctx.measure('fill.bytes', p.maxPuts * p.valueSize, 'bytes');
      return { output: `${p.maxPuts} puts of ${formatBytes(p.valueSize)} over ${p.keys} keys (${formatBytes(p.maxPuts * p.valueSize)} of history) in ${seconds.toFixed(1)} s` };
    }
    if (!result) throw new Error(`${p.maxPuts} puts of ${formatBytes(p.valueSize)} without NOSPACE: is a small quota set ${ctx.lab.etcdQuotaIsSet ?? 'on every etcd member (--quota-backend-bytes)'}?`);
    ctx.measure('fill.puts', result.puts);
    ctx.measure('fill.bytes', result.puts * p.valueSize, 'bytes');
    ctx.measure('fill.timeToNospace', Math.round(seconds * 1000), 'ms');
    const note = result.applied ? ' (that last put returned NoSpace but WAS applied: read back before judging)' : '';
    return {
      output: `NOSPACE after ${result.puts} accepted puts (${formatBytes(result.puts * p.valueSize)}) in ${seconds.toFixed(1)} s via ${result.member}${note}`,
      data: { puts: result.puts, lastPutApplied: result.applied },
    };
  },
};
