import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { controlPlanes, shellContext } from '../../actions/kubeadm/common.js';
import { need } from '../../labs/types.js';
import { planCertExpiry, readCertExpiry, type HostCerts } from '../../labs/static-pod/cert-expiry.js';
import { daysLeft, isoDay, PKI, type CertExpiry } from '../../labs/static-pod/pki.js';

const params = z.strictObject({
  nodes: z.array(z.string().min(1)).min(1).optional().describe('These hosts (default: every control plane of the lab)'),
  minDays: z.number().int().min(0).default(30).describe('Every certificate must have at least this many whole days left (the seeds: alert 30 days before expiry)'),
  names: z.array(z.string().min(1)).min(1).optional().describe("Only these certificates, by kubeadm's names: etcd-server, apiserver, ca, admin.conf, … (default: all)"),
});
type Params = z.output<typeof params>;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const left = (d: number) => (d < 0 ? `expired ${plural(-d, 'day')} ago` : `${plural(d, 'day')} left`);
const via = (h: HostCerts) => `${h.via === 'kubeadm' ? 'kubeadm certs check-expiration' : 'openssl x509 -enddate'}; ${h.why}`;

/**
 * "apiserver, etcd-server: 19 days left (fewer than 30); CAs ca, etcd-ca: 3649 days left":
 * certificates grouped by days left, soonest first, CAs last; a group under minDays says so.
 */
function listing(certs: CertExpiry[], now: Date, minDays: number): string {
  const groups = new Map<string, { days: number; ca: boolean; names: string[] }>();
  for (const c of certs) {
    const days = daysLeft(c.notAfter, now);
    const key = `${c.ca}/${days}`;
    const g = groups.get(key) ?? { days, ca: c.ca, names: [] };
    g.names.push(c.name);
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => Number(a.ca) - Number(b.ca) || a.days - b.days)
    .map((g) => `${g.ca ? (g.names.length === 1 ? 'CA ' : 'CAs ') : ''}${g.names.sort().join(', ')}: ${left(g.days)}${g.days < minDays ? ` (fewer than ${minDays})` : ''}`)
    .join('; ');
}

/** Each host's certificates; hosts that read alike (the same way, the same days) are named together. */
function hostsText(hosts: HostCerts[], now: Date, minDays: number): string {
  const same = new Map<string, string[]>();
  for (const h of hosts) {
    const text = `(${via(h)}): ${h.certs.length ? listing(h.certs, now, minDays) : 'none'}`;
    same.set(text, [...(same.get(text) ?? []), h.node]);
  }
  return [...same.entries()].map(([text, nodes]) => `${nodes.join(', ')} ${text}`).join('. ');
}

/**
 * Pure verdict: every certificate on every host has at least minDays whole days left. The message
 * names each host, how it was read, and each certificate with its days left, soonest first.
 */
export function expiryVerdict(hosts: HostCerts[], p: Pick<Params, 'minDays' | 'names'>, now: Date): Verdict {
  const pick = (c: CertExpiry) => !p.names || p.names.includes(c.name);
  const seen = hosts.map((h) => ({ ...h, certs: h.certs.filter(pick) }));
  const problems: string[] = [];
  for (const h of seen) if (h.certs.length === 0 && !p.names) problems.push(`${h.node}: no kubeadm certificate found in ${PKI}`);
  const unknown = (p.names ?? []).filter((n) => !seen.some((h) => h.certs.some((c) => c.name === n)));
  if (unknown.length > 0) problems.push(`no certificate named ${unknown.join(', ')} on ${hosts.map((h) => h.node).join(', ')}`);
  const all = seen.flatMap((h) => h.certs.map((c) => ({ node: h.node, c, days: daysLeft(c.notAfter, now) })));
  const soonest = [...all].sort((a, b) => a.c.notAfter.getTime() - b.c.notAfter.getTime())[0];
  const first = soonest ? `the soonest: ${soonest.c.name} on ${soonest.node}, ${left(soonest.days)} (until ${isoDay(soonest.c.notAfter)})` : '';
  const text = hostsText(seen, now, p.minDays);
  const short = all.filter((x) => x.days < p.minDays);
  if (short.length === 0 && problems.length === 0) {
    return { ok: true, message: `every certificate has ${plural(p.minDays, 'day')} or more left; ${first}. ${text}` };
  }
  const cas = short.some((x) => x.c.ca) ? ' A CA is among them: kubeadm certs renew all does not renew CAs.' : '';
  const summary = short.length > 0 ? [`${plural(short.length, 'certificate')} with fewer than ${plural(p.minDays, 'day')} left; ${first}.${cas}`] : [];
  const observed = [
    ...problems,
    ...seen.filter((h) => short.some((x) => x.node === h.node)).map((h) => `${h.node}: ${listing(short.filter((x) => x.node === h.node).map((x) => x.c), now, p.minDays)}`),
  ].join('; ');
  return {
    ok: false,
    message: `${[...problems.map((x) => `${x}.`), ...summary].join(' ')} ${text}`,
    expected: `every certificate with ${plural(p.minDays, 'day')} or more left`,
    observed,
  };
}

export const certsExpiry: InvariantModule<Params> = {
  name: 'certs.expiry',
  summary: 'days left on every kubeadm certificate of each control plane (kubeadm certs check-expiration -o json from v1.30, else openssl x509 -enddate)',
  params,
  nodeParams: ['nodes'],
  requires: ['shell'],
  plan: (p, ctx) => controlPlanes(ctx.lab, p.nodes).flatMap((n) => planCertExpiry(need(ctx.lab, 'shell'), n)),
  async check(ctx, p) {
    const shell = need(ctx.lab, 'shell');
    const hosts = await Promise.all(controlPlanes(ctx.lab, p.nodes).map((n) => readCertExpiry(shell, shellContext(ctx), n)));
    return expiryVerdict(hosts, p, new Date());
  },
};
