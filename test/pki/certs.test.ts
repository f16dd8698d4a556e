import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makePki } from '../../src/labs/etcd/certs.js';
import { derInteger, derLength, derTime, generalName, keyUsageBits, oid } from '../../src/labs/etcd/x509.js';

// The lab's PKI, checked by the tools that will judge it: openssl, Node's X509Certificate, and a
// real etcd (Debian's 3.4.23 on this machine) doing mTLS with it.
const hex = (b: Buffer): string => b.toString('hex');

describe('DER primitives', () => {
  it.each([[127, '7f'], [128, '8180'], [255, '81ff'], [256, '820100'], [65536, '83010000']])('length %i → %s', (n, h) => {
    expect(hex(derLength(n))).toBe(h);
  });
  it.each([['00', '020100'], ['7f', '02017f'], ['80', '02020080'], ['0000ff', '020200ff']])('INTEGER %s → %s', (v, h) => {
    expect(hex(derInteger(Buffer.from(v, 'hex')))).toBe(h);
  });
  it('OIDs, times, key usage bits, names', () => {
    expect(hex(oid('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302');
    expect(derTime(new Date('2049-12-31T23:59:59Z')).toString('latin1')).toBe('\x17\x0d491231235959Z');
    expect(derTime(new Date('2050-01-01T00:00:00Z')).toString('latin1')).toBe('\x18\x0f20500101000000Z');
    expect(hex(keyUsageBits([0, 2, 5, 6]))).toBe('030201a6'); // digitalSignature, keyEncipherment, keyCertSign, cRLSign
    expect(hex(keyUsageBits([0, 2]))).toBe('030205a0');
    expect(hex(generalName('::1'))).toBe(`8710${'00'.repeat(15)}01`);
    expect(hex(generalName('10.200.3.11'))).toBe('87040ac8030b');
    expect(hex(generalName('localhost'))).toBe(`8209${Buffer.from('localhost').toString('hex')}`);
  });
});

describe('the etcd lab PKI', () => {
  const nodes = [{ container: 'pki-control-plane', ip: '10.200.3.11' }, { container: 'pki-control-plane2', ip: '10.200.3.12' }];
  let dir = '';
  let other = '';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'kdrill-pki-'));
    other = mkdtempSync(path.join(tmpdir(), 'kdrill-pki-other-'));
    await makePki(dir, nodes);
    await makePki(other, nodes);
  });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); rmSync(other, { recursive: true, force: true }); });

  const cert = (f: string) => new X509Certificate(readFileSync(path.join(dir, f)));
  const node = (i: number, f: string) => path.join(dir, nodes[i]!.container, 'kubernetes', 'pki', f);

  it('openssl verifies every leaf against the lab CA, and refuses one of another CA', () => {
    const leaves = ['healthcheck-client.crt', 'apiserver-etcd-client.crt', ...nodes.flatMap((n) => [`${n.container}/server.crt`, `${n.container}/peer.crt`])];
    for (const leaf of leaves) {
      expect(execFileSync('openssl', ['verify', '-CAfile', path.join(dir, 'ca.crt'), path.join(dir, leaf)]).toString()).toMatch(/: OK/);
    }
    const foreign = spawnSync('openssl', ['verify', '-CAfile', path.join(dir, 'ca.crt'), path.join(other, 'apiserver-etcd-client.crt')]);
    expect(foreign.status).not.toBe(0);
  });

  it('has kubeadm\'s names, usages and constraints (as openssl reads them)', () => {
    const text = (f: string) => execFileSync('openssl', ['x509', '-noout', '-text', '-in', path.join(dir, f)]).toString();
    const ca = text('ca.crt');
    expect(ca).toMatch(/Subject: CN ?= ?etcd-ca/);
    expect(ca).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(ca).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment, Certificate Sign, CRL Sign/);
    expect(ca).toMatch(/Subject Key Identifier/);
    const server = text(`${nodes[0]!.container}/server.crt`);
    expect(server).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(server).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(server).toMatch(/DNS:pki-control-plane, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:10.200.3.11/);
    expect(server).toMatch(/Authority Key Identifier/);
    expect(server).toMatch(/ecdsa-with-SHA256/);
    expect(text('apiserver-etcd-client.crt')).toMatch(/Extended Key Usage:\s+TLS Web Client Authentication\n/);
  });

  it('each key matches its cert, keys are 0600, validity is ten years from an hour ago', () => {
    const ca = cert('ca.crt');
    expect(ca.ca).toBe(true);
    const server = cert(`${nodes[1]!.container}/server.crt`);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkPrivateKey(createPrivateKey(readFileSync(path.join(dir, nodes[1]!.container, 'server.key'))))).toBe(true);
    expect(server.checkHost('pki-control-plane2')).toBe('pki-control-plane2');
    expect(server.checkIP('10.200.3.12')).toBe('10.200.3.12');
    const days = (Date.parse(server.validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(3649);
    expect(days).toBeLessThan(3651);
    expect(Date.parse(server.validFrom)).toBeLessThan(Date.now() - 3_000_000);
    expect(statSync(node(0, 'etcd/peer.key')).mode & 0o777).toBe(0o600);
    expect(statSync(node(0, 'apiserver-etcd-client.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(node(0, 'etcd/ca.crt'), 'utf8')).toBe(readFileSync(path.join(dir, 'ca.crt'), 'utf8'));
  });

  describe('with a real etcd', () => {
    let etcd: ChildProcess | undefined;
    let port = 0;
    const dataDir = mkdtempSync(path.join(tmpdir(), 'kdrill-pki-etcd-'));
    const freePort = () => new Promise<number>((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });

    beforeAll(async () => {
      port = await freePort();
      const peer = await freePort();
      const etcdDir = path.join(dir, nodes[0]!.container, 'kubernetes', 'pki', 'etcd');
      etcd = spawn('etcd', [
        '--name', nodes[0]!.container, '--data-dir', dataDir,
        '--listen-client-urls', `https://127.0.0.1:${port}`, '--advertise-client-urls', `https://127.0.0.1:${port}`,
        '--listen-peer-urls', `https://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `https://127.0.0.1:${peer}`,
        '--initial-cluster', `${nodes[0]!.container}=https://127.0.0.1:${peer}`,
        '--cert-file', `${etcdDir}/server.crt`, '--key-file', `${etcdDir}/server.key`, '--client-cert-auth', '--trusted-ca-file', `${etcdDir}/ca.crt`,
        '--peer-cert-file', `${etcdDir}/peer.crt`, '--peer-key-file', `${etcdDir}/peer.key`, '--peer-client-cert-auth', '--peer-trusted-ca-file', `${etcdDir}/ca.crt`,
      ], { stdio: 'ignore' });
      for (let i = 0; i < 100; i++) {
        if (ctl(path.join(dir, 'apiserver-etcd-client'), ['endpoint', 'health']).status === 0) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('etcd did not become healthy with the lab certificates');
    }, 30_000);
    afterAll(() => { etcd?.kill('SIGKILL'); rmSync(dataDir, { recursive: true, force: true }); });

    const ctl = (clientCert: string, args: string[]) => spawnSync('etcdctl', [
      `--endpoints=https://127.0.0.1:${port}`, '--cacert', path.join(dir, 'ca.crt'), '--cert', `${clientCert}.crt`, '--key', `${clientCert}.key`,
      '--dial-timeout', '2s', '--command-timeout', '3s', ...args,
    ], { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8' });

    it('serves mTLS with the member cert and takes the apiserver client cert', () => {
      expect(ctl(path.join(dir, 'apiserver-etcd-client'), ['put', 'pki/check', 'ok']).status).toBe(0);
      expect(ctl(path.join(dir, 'healthcheck-client'), ['get', 'pki/check', '--print-value-only']).stdout.trim()).toBe('ok');
    });

    it('refuses a client cert of another lab\'s CA', () => {
      const r = ctl(path.join(other, 'apiserver-etcd-client'), ['get', 'pki/check']);
      expect(r.status).not.toBe(0);
    });
  });
});
