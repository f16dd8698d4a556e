import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { kubeOf } from '../../clients/kube/lab.js';
import { apiPaths } from '../../clients/kube/paths.js';
import { KubeApiError } from '../../clients/kube/types.js';
import { parseDuration } from '../../drill/duration.js';
import { duration, positiveDuration } from '../../drill/schema.js';
import type { ProbeModule } from '../../engine/types.js';
import { GapAlarm } from '../gap-alarm.js';
import { budgetVerdict, gapsPerStep, unavailableWindows, type WriteSample } from '../windows.js';

const params = z.strictObject({
  interval: positiveDuration.default('250ms').describe('Time between write attempts'),
  timeout: positiveDuration.default('2s').describe('An attempt not answered within this counts as failed'),
  maxUnavailable: duration.default('30s').describe('Fail the drill when writes are unavailable longer than this at a stretch'),
  namespace: z.string().min(1).default('default').describe('Where the probe writes its ConfigMap'),
  abort: z.boolean().default(false).describe('Also a guard: when a write gap exceeds maxUnavailable, stop the steps at once (the restore runs) instead of failing only at the end'),
});
type Params = z.infer<typeof params>;

const NAME = 'k8s.writes';

/** API write availability during the whole drill: one ConfigMap replaced every interval. */
export const k8sWrites: ProbeModule<Params> = {
  name: NAME,
  summary: 'measures Kubernetes API write availability (a ConfigMap written every interval)',
  params,
  requires: ['kubernetes'],
  plan: (p) => [`every ${p.interval}: PUT ${apiPaths.configMap(p.namespace, 'kdrill-writes-<random>')} (POST on first), each within ${p.timeout}; ${p.abort ? 'stops the steps at once' : 'fails'} above ${p.maxUnavailable} unavailable at a stretch`],
  async start(ctx, p, hooks) {
    const client = await kubeOf(ctx.lab).client();
    const name = `kdrill-writes-${randomBytes(4).toString('hex')}`;
    const timeoutMs = parseDuration(p.timeout)!;
    const intervalMs = parseDuration(p.interval)!;
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, ctx.signal]);
    const samples: WriteSample[] = [];
    let exists = false;
    let seq = 0;
    const alarm = p.abort && hooks ? new GapAlarm(parseDuration(p.maxUnavailable)!, () => ctx.events.now(), hooks.breach) : undefined;

    const attempt = async (): Promise<void> => {
      const ms = ctx.events.now();
      const data = { seq: String(seq++) };
      try {
        if (exists) await client.replaceConfigMap(p.namespace, name, data, { signal, timeoutMs });
        else {
          await client.createConfigMap(p.namespace, name, data, { signal, timeoutMs });
          exists = true;
        }
        const latencyMs = ctx.events.now() - ms;
        samples.push({ ms, ok: true, latencyMs });
        alarm?.record(ms, true);
        ctx.events.emit({ type: 'probe.sample', probe: NAME, ok: true, latencyMs: Math.round(latencyMs) });
      } catch (err) {
        if (stop.signal.aborted) return;
        if (err instanceof KubeApiError && err.status === 409) exists = true;
        if (err instanceof KubeApiError && err.status === 404) exists = false;
        const latencyMs = ctx.events.now() - ms;
        samples.push({ ms, ok: false, latencyMs });
        alarm?.record(ms, false);
        ctx.events.emit({ type: 'probe.sample', probe: NAME, ok: false, latencyMs: Math.round(latencyMs), error: (err as Error).message });
      }
    };

    const loop = (async () => {
      while (!signal.aborted) {
        const started = performance.now();
        await attempt();
        await delay(Math.max(0, intervalMs - (performance.now() - started)), undefined, { signal }).catch(() => {});
      }
    })();

    return {
      async stop() {
        stop.abort();
        alarm?.stop();
        await loop;
        await client.deleteConfigMap(p.namespace, name, { timeoutMs }).catch(() => {});
        const windows = unavailableWindows(samples);
        const budgetMs = parseDuration(p.maxUnavailable)!;
        const steps = ctx.events.events.flatMap((e) => (e.type === 'step.start' ? [{ name: e.name, ms: e.ms }] : []));
        const perStep = gapsPerStep(windows, steps);
        const verdict = budgetVerdict(windows, perStep, budgetMs, samples.length);
        ctx.events.emit({
          type: 'probe.summary', probe: NAME, ok: verdict.ok, message: `Kubernetes API writes: ${verdict.message}`,
          windows: windows.map((w) => ({ startMs: Math.round(w.startMs), endMs: Math.round(w.endMs) })), perStep, budgetMs,
        });
        return verdict;
      },
    };
  },
};
