import { describe, expect, it } from 'vitest';
import { expiryVerdict } from '../../../src/invariants/kubeadm/certs.js';
import type { HostCerts } from '../../../src/labs/static-pod/cert-expiry.js';

// The verdict of certs.expiry on whole messages: what an operator reads in the report.

const now = new Date('2026-12-02T12:00:00Z');
const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000 + 3_600_000);
const leaf = (name: string, days: number) => ({ name, ca: false, notAfter: inDays(days) });
const ca = (name: string, days: number) => ({ name, ca: true, notAfter: inDays(days) });
const openssl = (node: string, certs: HostCerts['certs']): HostCerts => ({ node, via: 'openssl', why: 'no kubeadm on the host', certs, missing: [] });
const kubeadm = (node: string, certs: HostCerts['certs']): HostCerts => ({ node, via: 'kubeadm', why: 'kubeadm v1.31.0', certs, missing: ['super-admin.conf'] });

const etcdLeaves = (days: number) => [leaf('etcd-server', days), leaf('etcd-peer', days), leaf('etcd-healthcheck-client', days), leaf('apiserver-etcd-client', days)];
const cas = [ca('etcd-ca', 3649), ca('ca', 3649)];

describe('expiryVerdict', () => {
  it.each([
    ['a year left everywhere, 3 hosts read alike', [openssl('cp1', [...etcdLeaves(364), ...cas]), openssl('cp2', [...etcdLeaves(364), ...cas]), openssl('cp3', [...etcdLeaves(364), ...cas])], { minDays: 30 }, true,
      'every certificate has 30 days or more left; the soonest: etcd-server on cp1, 364 days left (until 2027-12-01). cp1, cp2, cp3 (openssl x509 -enddate; no kubeadm on the host): apiserver-etcd-client, etcd-healthcheck-client, etcd-peer, etcd-server: 364 days left; CAs ca, etcd-ca: 3649 days left',
      undefined],
    ['20-day certificates under minDays 30', [openssl('cp1', [...etcdLeaves(19), ...cas]), openssl('cp2', [...etcdLeaves(19), ...cas])], { minDays: 30 }, false,
      '8 certificates with fewer than 30 days left; the soonest: etcd-server on cp1, 19 days left (until 2026-12-21). cp1, cp2 (openssl x509 -enddate; no kubeadm on the host): apiserver-etcd-client, etcd-healthcheck-client, etcd-peer, etcd-server: 19 days left (fewer than 30); CAs ca, etcd-ca: 3649 days left',
      'cp1: apiserver-etcd-client, etcd-healthcheck-client, etcd-peer, etcd-server: 19 days left (fewer than 30); cp2: apiserver-etcd-client, etcd-healthcheck-client, etcd-peer, etcd-server: 19 days left (fewer than 30)'],
    ['the same certificates under minDays 10', [openssl('cp1', [...etcdLeaves(19), ...cas])], { minDays: 10 }, true,
      'every certificate has 10 days or more left; the soonest: etcd-server on cp1, 19 days left (until 2026-12-21). cp1 (openssl x509 -enddate; no kubeadm on the host): apiserver-etcd-client, etcd-healthcheck-client, etcd-peer, etcd-server: 19 days left; CAs ca, etcd-ca: 3649 days left',
      undefined],
    ['one host renewed, one not: each host named with its own days', [openssl('cp1', [leaf('etcd-server', 364), ca('etcd-ca', 3649)]), openssl('cp2', [leaf('etcd-server', 19), ca('etcd-ca', 3649)])], { minDays: 30 }, false,
      '1 certificate with fewer than 30 days left; the soonest: etcd-server on cp2, 19 days left (until 2026-12-21). cp1 (openssl x509 -enddate; no kubeadm on the host): etcd-server: 364 days left; CA etcd-ca: 3649 days left. cp2 (openssl x509 -enddate; no kubeadm on the host): etcd-server: 19 days left (fewer than 30); CA etcd-ca: 3649 days left',
      'cp2: etcd-server: 19 days left (fewer than 30)'],
    ['an expired certificate', [kubeadm('cp1', [leaf('apiserver', -3), leaf('admin.conf', 200), ca('ca', 3000)])], { minDays: 30 }, false,
      '1 certificate with fewer than 30 days left; the soonest: apiserver on cp1, expired 3 days ago (until 2026-11-29). cp1 (kubeadm certs check-expiration; kubeadm v1.31.0): apiserver: expired 3 days ago (fewer than 30); admin.conf: 200 days left; CA ca: 3000 days left',
      'cp1: apiserver: expired 3 days ago (fewer than 30)'],
    ['a CA close to its end: kubeadm does not renew it', [kubeadm('cp1', [leaf('apiserver', 300), ca('ca', 12)])], { minDays: 30 }, false,
      '1 certificate with fewer than 30 days left; the soonest: ca on cp1, 12 days left (until 2026-12-14). A CA is among them: kubeadm certs renew all does not renew CAs. cp1 (kubeadm certs check-expiration; kubeadm v1.31.0): apiserver: 300 days left; CA ca: 12 days left (fewer than 30)',
      'cp1: CA ca: 12 days left (fewer than 30)'],
    ['names: only those checked', [openssl('cp1', [leaf('etcd-server', 364), leaf('apiserver', 5), ca('etcd-ca', 3649)])], { minDays: 30, names: ['etcd-server', 'etcd-ca'] }, true,
      'every certificate has 30 days or more left; the soonest: etcd-server on cp1, 364 days left (until 2027-12-01). cp1 (openssl x509 -enddate; no kubeadm on the host): etcd-server: 364 days left; CA etcd-ca: 3649 days left',
      undefined],
    ['names: one no host has', [openssl('cp1', [leaf('etcd-server', 364)])], { minDays: 30, names: ['etcd-server', 'apiserver'] }, false,
      'no certificate named apiserver on cp1. cp1 (openssl x509 -enddate; no kubeadm on the host): etcd-server: 364 days left',
      'no certificate named apiserver on cp1'],
    ['a host with no PKI at all', [openssl('cp1', [leaf('etcd-server', 364)]), openssl('cp2', [])], { minDays: 30 }, false,
      'cp2: no kubeadm certificate found in /etc/kubernetes/pki. cp1 (openssl x509 -enddate; no kubeadm on the host): etcd-server: 364 days left. cp2 (openssl x509 -enddate; no kubeadm on the host): none',
      'cp2: no kubeadm certificate found in /etc/kubernetes/pki'],
    ['minDays 0: only the expired fail', [openssl('cp1', [leaf('etcd-server', 0), leaf('etcd-peer', 1)])], { minDays: 0 }, true,
      'every certificate has 0 days or more left; the soonest: etcd-server on cp1, 0 days left (until 2026-12-02). cp1 (openssl x509 -enddate; no kubeadm on the host): etcd-server: 0 days left; etcd-peer: 1 day left',
      undefined],
  ])('%s', (_name, hosts, p, ok, message, observed) => {
    const v = expiryVerdict(hosts, p, now);
    expect(v.ok).toBe(ok);
    expect(v.message).toBe(message);
    expect(v.observed).toBe(observed);
    if (!ok) expect(v.expected).toBe(`every certificate with ${p.minDays} days or more left`);
  });
});
