import { z } from 'zod';
import { positiveDuration } from '../../drill/schema.js';
import { parseDuration } from '../../drill/duration.js';
import type { ActionModule, Context } from '../../engine/types.js';
import { errText } from '../../clients/etcd/ops.js';
import { waitHealthy } from '../../clients/etcd/health.js';
import { defragOrder, healthyMembers, liveLeader } from '../../clients/etcd/leader.js';
import { quorumOf } from '../../clients/etcd/quorum.js';
import { prettyCommand } from '../../exec/errors.js';
import { MANIFESTS_DIR } from '../../labs/kubeadm-layout.js';
import { calm, planRenew, renewCerts, type RenewOutcome } from '../../labs/static-pod/cert-renew.js';
import { planCertExpiry } from '../../labs/static-pod/cert-expiry.js';
import { POD_WAIT_MS } from '../../labs/static-pod/pods.js';
import { daysLeft, isoDay } from '../../labs/static-pod/pki.js';
import { need, STATIC_PODS, type StaticPod } from '../../labs/types.js';
import { controlPlanes, shellContext, staticPodsOf } from './common.js';

const params = z.strictObject({
  nodes: z.array(z.string().min(1)).min(1).optional().describe('These control planes (default: every one), still one at a time'),
  days: z.number().int().min(1).max(3650).default(365).describe("The stand-in's validity in days, on hosts without kubeadm (kubeadm's own renewal takes its certificateValidityPeriod, a year by default)"),
  healthTimeout: positiveDuration.default('60s').describe("After each host's restart: how long etcd gets to be healthy on every member again, before the next host"),
});
type Params = z.output<typeof params>;

/** The static Pods whose manifests are in kubelet's folder on a host (kind runs four, kdrill's test hosts two). */
async function podsPresent(ctx: Context, node: string): Promise<StaticPod[]> {
  const r = await need(ctx.lab, 'shell').exec(shellContext(ctx), node, ['ls', '-1', MANIFESTS_DIR], { timeoutMs: 30_000 });
  const files = r.stdout.split('\n').map((l) => l.trim());
  return STATIC_PODS.filter((p) => files.includes(`${p}.yaml`));
}

/**
 * Each static Pod restarted by a manifest move, the whole host's at once: all out (kubelet stops
 * them), all back (kubelet runs them again, with the renewed certificates). Whatever stops it
 * half-way (a Ctrl-C, a Pod that does not stop), the manifests it moved out go back.
 */
async function restartPods(ctx: Context, node: string, pods: StaticPod[]): Promise<void> {
  const sp = staticPodsOf(ctx.lab);
  const parked = new Set<StaticPod>();
  try {
    await Promise.all(pods.map(async (p) => {
      parked.add(p);
      await sp.stopPod(shellContext(ctx), node, p);
    }));
    await Promise.all(pods.map(async (p) => {
      await sp.startPod(shellContext(ctx), node, p);
      parked.delete(p);
    }));
  } finally {
    if (parked.size > 0) {
      const back = calm(shellContext(ctx), POD_WAIT_MS + 10_000);
      const put = await Promise.allSettled([...parked].map((p) => sp.startPod(back, node, p)));
      const failed = [...parked].filter((_, i) => put[i]!.status === 'rejected');
      ctx.log(`${node}: put ${[...parked].join(', ')} back in ${MANIFESTS_DIR}${failed.length ? ` (${failed.join(', ')} not running yet)` : ''}`, failed.length ? 'warn' : 'info');
    }
  }
}

/** "cp2 (stand-in; no kubeadm on the host): renewed apiserver, etcd-peer, … until 2027-12-02 (364 days left)". */
function renewedWords(r: RenewOutcome, now: Date): string {
  const until = new Map<string, { names: string[]; days: number }>();
  for (const c of r.renewed) {
    const g = until.get(isoDay(c.notAfter)) ?? { names: [], days: daysLeft(c.notAfter, now) };
    g.names.push(c.name);
    until.set(isoDay(c.notAfter), g);
  }
  const parts = [...until.entries()].map(([day, g]) => `${g.names.sort().join(', ')} until ${day} (${g.days} days left)`);
  const skipped = r.skipped.length ? `; not renewed: ${r.skipped.join(', ')}` : '';
  return `${r.node} (${r.via === 'kubeadm' ? 'kubeadm certs renew all' : 'STAND-IN: openssl re-issue from the CA on the host'}; ${r.why}): renewed ${parts.join('; ') || 'nothing'}${skipped}`;
}

export const certsRenew: ActionModule<Params> = {
  name: 'certs.renew',
  summary: 'kubeadm certs renew all on each control plane (on hosts without kubeadm, a documented openssl stand-in), then its static Pods restarted by manifest moves, one host at a time, etcd healthy again between hosts',
  params: params as unknown as z.ZodType<Params>,
  nodeParams: ['nodes'],
  requires: ['shell', 'staticPods', 'etcd'],
  plan(p, ctx) {
    const shell = need(ctx.lab, 'shell');
    const sp = staticPodsOf(ctx.lab);
    const hosts = controlPlanes(ctx.lab, p.nodes);
    return [
      `# ${hosts.join(', ')} (shown in this order), ONE HOST AT A TIME: etcd's followers first, its leader last (etcd Status of every member). Before each host: its etcd member's restart must leave quorum (⌊n/2⌋+1 healthy)`,
      ...hosts.flatMap((n) => [
        `# ${n}: the certificates' expiry read before and after, as certs.expiry reads it (${planCertExpiry(shell, n)[0]}, …), to name what was renewed`,
        ...planRenew(shell, n, p.days),
        `${prettyCommand(shell.argv(n, ['ls', '-1', MANIFESTS_DIR]))}  # the static Pods present; each restarted by a manifest move, all out, then all back:`,
        ...STATIC_PODS.flatMap((pod) => sp.plan('stopPod', n, pod).map((l) => `  ${l}`)),
        ...STATIC_PODS.flatMap((pod) => sp.plan('startPod', n, pod).map((l) => `  ${l}`)),
        `# until etcd is healthy on every member with one leader (within ${p.healthTimeout}), before the next host`,
      ]),
    ];
  },
  async run(ctx, p) {
    const shell = need(ctx.lab, 'shell');
    const etcd = need(ctx.lab, 'etcd');
    const hosts = controlPlanes(ctx.lab, p.nodes);
    const healthMs = parseDuration(p.healthTimeout) ?? 60_000;
    const started = performance.now();
    const lines: string[] = [];
    const data: Array<Record<string, unknown>> = [];
    const done = new Set<string>();
    for (;;) {
      const remaining = hosts.filter((h) => !done.has(h));
      if (remaining.length === 0) break;
      const probes = await etcd.statusAll(2_000);
      const leader = liveLeader(probes)?.node;
      const next = defragOrder(remaining.map((node) => ({ node, leader: node === leader })))[0]!.node;
      const members = etcd.members().length;
      const healthy = healthyMembers(probes).map((s) => s.node);
      const left = healthy.filter((m) => m !== next).length;
      if (etcd.members().some((m) => m.node === next) && left < quorumOf(members)) {
        throw new Error(`not restarting ${next}'s static Pods: ${healthy.length} of ${members} etcd members healthy (${healthy.join(', ') || 'none'}); with ${next}'s member restarting ${left} would be left, quorum is ${quorumOf(members)}. Renewed so far: ${[...done].join(', ') || 'none'}`);
      }
      const t0 = performance.now();
      const renewal = await renewCerts(shell, shellContext(ctx), next, { days: p.days });
      const renewMs = Math.round(performance.now() - t0);
      const pods = await podsPresent(ctx, next);
      const t1 = performance.now();
      await restartPods(ctx, next, pods);
      const restartMs = Math.round(performance.now() - t1);
      const t2 = performance.now();
      await waitHealthy(etcd, ctx.signal, healthMs, `etcd after restarting ${next}'s static Pods`).catch((err: unknown) => {
        throw new Error(`${errText(err)}. Renewed and restarted so far: ${[...done, next].join(', ')}`);
      });
      const healthyMs = Math.round(performance.now() - t2);
      ctx.measure(`certs.renew.${next}.renew`, renewMs, 'ms');
      ctx.measure(`certs.renew.${next}.restart`, restartMs, 'ms');
      ctx.measure(`certs.renew.${next}.etcdHealthy`, healthyMs, 'ms');
      lines.push(`${renewedWords(renewal, new Date())}; restarted ${pods.join(', ')} in ${(restartMs / 1000).toFixed(1)} s; etcd healthy on every member ${(healthyMs / 1000).toFixed(1)} s later`);
      ctx.log(lines.at(-1)!);
      data.push({ node: next, via: renewal.via, renewed: renewal.renewed.map((c) => ({ name: c.name, notAfter: c.notAfter.toISOString() })), skipped: renewal.skipped, pods, renewMs, restartMs, healthyMs });
      done.add(next);
    }
    const totalMs = Math.round(performance.now() - started);
    ctx.measure('certs.renew.total', totalMs, 'ms');
    return { output: [...lines, `${hosts.length} control plane${hosts.length === 1 ? '' : 's'} renewed and restarted one at a time in ${(totalMs / 1000).toFixed(1)} s`].join('\n'), data: { hosts: data, totalMs } };
  },
};
