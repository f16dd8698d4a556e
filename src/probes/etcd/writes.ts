import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { duration, positiveDuration } from '../../drill/schema.js';
import { parseDuration } from '../../drill/duration.js';
import type { ProbeModule } from '../../engine/types.js';
import { etcdErrorMessage, within, type EtcdClient } from '../../clients/etcd/client.js';
import { GapAlarm } from '../gap-alarm.js';
import { budgetVerdict, gapsPerStep, unavailableWindows, type WriteSample } from '../windows.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({
  interval: positiveDuration.default('100ms').describe('One write every interval'),
  maxUnavailable: duration.default('3s').describe('Fail the drill when writes are unavailable longer than this at once'),
  key: z.string().min(1).default('kdrill/probe/writes').describe('The key written (its value: a sequence number)'),
  attemptDeadline: positiveDuration.default('500ms').describe('Deadline of one attempt on one member'),
  abort: z.boolean().default(false).describe('Also a guard: when a write gap exceeds maxUnavailable, stop the steps at once (the restore runs) instead of failing only at the end'),
});
type Params = z.output<typeof params>;

/**
 * Writes during the whole drill with clients of its own (one per member), to measure what a client
 * of the cluster lives through: each tick tries the member that last acknowledged, then the others.
 */
export const etcdWrites: ProbeModule<Params> = {
  name: 'etcd.writes',
  summary: 'continuous writes: unavailable windows per step, against a budget',
  params,
  requires: ['etcd'],
  grpcOnly: 'ten writes a second through docker exec would measure docker exec, not etcd',
  plan: (p) => [`every ${p.interval}: etcd Put ${p.key} (last good member first, others on failure, ${p.attemptDeadline} deadline each); ${p.abort ? 'stop the steps at once' : 'fail'} if writes stop for more than ${p.maxUnavailable}`],
  async start(ctx, p, hooks) {
    const etcd = need(ctx.lab, 'etcd');
    const nodes = etcd.members().map((e) => e.node);
    const clients = new Map<string, EtcdClient>();
    for (const n of nodes) clients.set(n, await etcd.newClient(n));
    const interval = parseDuration(p.interval)!;
    const attemptMs = parseDuration(p.attemptDeadline)!;
    const samples: WriteSample[] = [];
    let lastGood = nodes[0]!;
    let seq = 0;
    let stopped = false;
    const alarm = p.abort && hooks ? new GapAlarm(parseDuration(p.maxUnavailable)!, () => ctx.events.now(), hooks.breach) : undefined;

    const tick = async (attemptMs: number): Promise<void> => {
      const ms = ctx.events.now();
      const order = [lastGood, ...nodes.filter((n) => n !== lastGood)];
      const errors: string[] = [];
      for (const node of order) {
        // Fail over within the tick while it is young; past that, the next tick goes on from the
        // next member (a dead member's IP answers nothing: every try there costs a whole deadline).
        if (errors.length && ctx.events.now() - ms > Math.max(interval, attemptMs)) break;
        try {
          await clients.get(node)!.put(p.key).value(String(++seq)).options(within(attemptMs)).exec();
          lastGood = node;
          const latencyMs = ctx.events.now() - ms;
          samples.push({ ms, ok: true, latencyMs });
          alarm?.record(ms, true);
          ctx.events.emit({ type: 'probe.sample', probe: 'etcd.writes', ok: true, latencyMs: Math.round(latencyMs * 10) / 10, target: node });
          return;
        } catch (err) {
          errors.push(`${node}: ${etcdErrorMessage(err)}`);
          lastGood = order[(order.indexOf(node) + 1) % order.length]!;
        }
      }
      const latencyMs = ctx.events.now() - ms;
      samples.push({ ms, ok: false, latencyMs });
      alarm?.record(ms, false);
      ctx.events.emit({ type: 'probe.sample', probe: 'etcd.writes', ok: false, latencyMs: Math.round(latencyMs * 10) / 10, error: errors.join('; '), target: order[errors.length - 1] });
    };

    const loop = (async () => {
      const t0 = ctx.events.now();
      for (let k = 1; !stopped; k++) {
        await tick(attemptMs);
        const wait = t0 + k * interval - ctx.events.now();
        if (wait > 0) await delay(wait);
        else k = Math.ceil((ctx.events.now() - t0) / interval);
      }
    })();

    return {
      async stop() {
        stopped = true;
        alarm?.stop();
        await loop;
        const budgetMs = parseDuration(p.maxUnavailable)!;
        // A window still open at the end is a real outage or one slow last write: one more write,
        // given the whole budget, tells which.
        if (samples.at(-1)?.ok === false) await tick(budgetMs);
        for (const c of clients.values()) c.close();
        const windows = unavailableWindows(samples);
        const steps = ctx.events.events.flatMap((e) => (e.type === 'step.start' ? [{ name: e.name, ms: e.ms }] : []));
        const perStep = gapsPerStep(windows, steps);
        const verdict = budgetVerdict(windows, perStep, budgetMs, samples.length);
        ctx.events.emit({
          type: 'probe.summary', probe: 'etcd.writes', ok: verdict.ok, message: verdict.message,
          windows: windows.map((w) => ({ startMs: Math.round(w.startMs), endMs: Math.round(w.endMs) })), perStep, budgetMs,
        });
        return verdict;
      },
    };
  },
};
