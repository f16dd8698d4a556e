import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { kubeOf } from '../../clients/kube/lab.js';
import { apiPaths } from '../../clients/kube/paths.js';
import { parseDuration } from '../../drill/duration.js';
import { duration } from '../../drill/schema.js';
import type { InvariantModule, Verdict } from '../../engine/types.js';

const params = z.strictObject({
  namespace: z.string().min(1).default('default').describe('Where the throw-away ConfigMap is written'),
  deadline: duration.default('5s').describe('The write and the delete must each answer within this'),
  writable: z.boolean().default(true).describe('false: the API must REFUSE writes (quorum lost), e.g. in cp-quorum-loss'),
});
type Params = z.infer<typeof params>;

export interface WriteAttempt {
  /** The ConfigMap was created (etcd committed it). */
  written: boolean;
  deleted: boolean;
  ms: number;
  error?: string;
}

/** Pure verdict on one create-and-delete round trip. */
export function apiWritableVerdict(p: Pick<Params, 'writable' | 'deadline'>, a: WriteAttempt): Verdict {
  const took = `${Math.round(a.ms)} ms`;
  if (p.writable) {
    if (a.written && a.deleted) return { ok: true, message: `the API server accepted a write (create + delete a ConfigMap) in ${took}: writes succeed` };
    return {
      ok: false,
      message: `the API server did not accept a write within ${p.deadline}${a.error ? `: ${a.error}` : ''}`,
      expected: `a ConfigMap created and deleted within ${p.deadline}`,
      observed: a.written ? 'created, but the delete failed' : `refused after ${took}`,
    };
  }
  if (!a.written) return { ok: true, message: `the API server refused the write after ${took}${a.error ? ` (${a.error})` : ''}: writes are blocked, as they must be without etcd quorum` };
  return { ok: false, message: 'the API server accepted a write although it should refuse writes (is quorum really lost?)', expected: 'the write refused or unanswered', observed: `ConfigMap created in ${took}` };
}

export const k8sApiWritable: InvariantModule<Params> = {
  name: 'k8s.apiWritable',
  summary: 'the API server accepts a write (creates and deletes a ConfigMap) within a deadline — or, with writable: false, refuses it',
  params,
  requires: ['kubernetes'],
  plan: (p) => [`POST ${apiPaths.configMaps(p.namespace)} kdrill-write-<random>, then DELETE it, each within ${p.deadline}`],
  async check(ctx, p) {
    const client = await kubeOf(ctx.lab).client();
    const timeoutMs = parseDuration(p.deadline)!;
    const name = `kdrill-write-${randomBytes(4).toString('hex')}`;
    const started = performance.now();
    const a: WriteAttempt = { written: false, deleted: false, ms: 0 };
    try {
      await client.createConfigMap(p.namespace, name, { by: 'kdrill', at: new Date().toISOString() }, { signal: ctx.signal, timeoutMs });
      a.written = true;
      await client.deleteConfigMap(p.namespace, name, { signal: ctx.signal, timeoutMs });
      a.deleted = true;
    } catch (err) {
      a.error = (err as Error).message;
    }
    a.ms = performance.now() - started;
    return apiWritableVerdict(p, a);
  },
};
