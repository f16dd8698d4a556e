import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { journalOf, root, runKdrill, spawnKdrill, tempDir, waitForJournal } from '../../helpers/kdrill.js';
import { hostsSteady } from './steady.js';
import { removeTestCluster, startTestCluster, type TestCluster } from './cluster.js';

// drills/kubeadm/cert-expiry.yaml for real, through the kdrill binary, on kdrill's kubeadm test hosts
// made with certificates that expire in 20 days (scripts/kubeadm-test-hosts.mjs --cert-days 20):
// real sshd, real etcd 3.4 serving and checking kubeadm's PKI, real openssl on the hosts; TEST
// DOUBLES of kubelet, crictl and kube-apiserver. The hosts have no kubeadm, so certs.expiry reads
// `openssl x509 -enddate` and certs.renew runs its documented STAND-IN for `kubeadm certs renew all`
// (each leaf certificate re-issued from the lab's CA with openssl: same key, subject and SANs, new
// validity). kubeadm's own path (check-expiration -o json, renew all) runs in the nightly job on kind.
// Everything the test checks it sees itself through docker, not through kdrill.

const prefix = `kdh-c${process.pid % 100000}`;
let lab: TestCluster;
let dir: string;
let inventory: string;

const LEAVES = ['apiserver', 'apiserver-kubelet-client', 'front-proxy-client', 'apiserver-etcd-client', 'etcd/server', 'etcd/peer', 'etcd/healthcheck-client'];
const CA_OF: Record<string, string> = { 'front-proxy-client': 'front-proxy-ca', 'apiserver-etcd-client': 'etcd/ca', apiserver: 'ca', 'apiserver-kubelet-client': 'ca' };
const caOf = (leaf: string) => `/etc/kubernetes/pki/${CA_OF[leaf] ?? 'etcd/ca'}.crt`;
const DAY = 86_400_000;

const onHost = (container: string, argv: string[]) => execFileSync('docker', ['exec', container, ...argv], { encoding: 'utf8' });
const crt = (leaf: string) => `/etc/kubernetes/pki/${leaf}.crt`;

/** What a renewal must keep (subject, issuer, public key, every extension) and what it must change (serial, end date). */
function certOn(container: string, leaf: string) {
  const keep = onHost(container, ['openssl', 'x509', '-in', crt(leaf), '-noout', '-subject', '-issuer', '-pubkey', '-ext', 'subjectAltName,keyUsage,extendedKeyUsage,basicConstraints,subjectKeyIdentifier,authorityKeyIdentifier']);
  const serial = onHost(container, ['openssl', 'x509', '-in', crt(leaf), '-noout', '-serial']).trim();
  const end = Date.parse(onHost(container, ['openssl', 'x509', '-in', crt(leaf), '-noout', '-enddate']).trim().replace('notAfter=', ''));
  return { keep, serial, end };
}

const running = (container: string, pod: string) => onHost(container, ['crictl', 'ps', '--name', pod, '--state', 'running', '--quiet']).trim();

/** The etcd leader's host, asked of each member through docker. */
function leaderHost(): string | undefined {
  const tls = ['--cacert=/etc/kubernetes/pki/etcd/ca.crt', '--cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt', '--key=/etc/kubernetes/pki/etcd/healthcheck-client.key'];
  return lab.hosts.find((h) => {
    const out = onHost(h.container, ['etcdctl', '--endpoints=https://127.0.0.1:2379', ...tls, 'endpoint', 'status', '-w', 'json']);
    return /"member_id":(\d+)/.exec(out)?.[1] === /"leader":(\d+)/.exec(out)?.[1];
  })?.name;
}

/** The manifest moves kdrill ran, in order: [host, 'out' | 'back', pod]; the host from ssh's -p or docker exec's container. */
function manifestMoves(events: Array<Record<string, any>>): Array<[string, 'out' | 'back', string]> {
  return events.filter((e) => e.type === 'command').flatMap((e) => {
    const argv = e.argv as string[];
    const m = /mv \/etc\/kubernetes\/(manifests|kdrill-stopped)\/([\w-]+)\.yaml /.exec(argv.join(' ').replaceAll("'", ''));
    if (!m) return [];
    const port = argv[0] === 'ssh' ? Number(argv[argv.indexOf('-p') + 1]) : undefined;
    const host = lab.hosts.find((h) => h.port === port || argv.includes(h.container))!.name;
    return [[host, m[1] === 'manifests' ? 'out' : 'back', m[2]!] as [string, 'out' | 'back', string]];
  });
}

function run(name: string, args: string[] = []) {
  return runKdrill(['run', path.join(root, 'drills/kubeadm/cert-expiry.yaml'), '--set', `inventory=${inventory}`, ...args, '--report-dir', path.join(dir, name)], { KDRILL_STATE_DIR: path.join(dir, 'state') });
}

const safetyNetActed = (events: Array<Record<string, any>>) => events.filter((e) => e.type === 'log' && /steady state after the drill|lab healed|lab left broken/.test(e.message));

beforeAll(async () => {
  await removeTestCluster(prefix).catch(() => undefined);
  lab = await startTestCluster(prefix, { certDays: 20 });
  dir = tempDir('kdrill-kubeadm-certs-');
  // An inventory file named after this lab: kdrill locks a lab by its name (the file's), so this
  // test never waits on another kubeadm test's run of `inventory.yaml`.
  inventory = path.join(dir, `${prefix}.yaml`);
  copyFileSync(lab.inventory, inventory);
  process.stdout.write(`  test hosts (20-day certificates) up in ${(lab.upMs / 1000).toFixed(1)} s\n`);
}, 180_000);

afterAll(async () => {
  await lab?.remove();
});

describe('cert-expiry on hosts whose certificates expire in 20 days', () => {
  it('the first check fails (minDays 30), certs.renew renews every leaf and restarts the static Pods one host at a time, the second check holds', async () => {
    const cp = lab.hosts.map((h) => h.container);
    const before = new Map(cp.flatMap((c) => LEAVES.map((l) => [`${c} ${l}`, certOn(c, l)] as const)));
    for (const v of before.values()) expect(Math.round((v.end - Date.now()) / DAY)).toBe(20);
    const pods = new Map(cp.flatMap((c) => ['etcd', 'kube-apiserver'].map((p) => [`${c} ${p}`, running(c, p)] as const)));
    const leader = leaderHost();

    const started = Date.now();
    const r = await run('expiring');
    const { events } = journalOf(path.join(dir, 'expiring'));
    const out = `${r.stdout}\n${r.stderr}`;
    const steps = events.filter((e) => e.type === 'step.end');
    const step = (re: RegExp) => steps.find((s) => re.test(s.name))!;

    // The check before: every leaf on every host found with 19 days left (20 days minus the seconds since), the run fails for it.
    expect(r.code, out).toBe(1);
    expect(step(/^check certificate expiry on every/).status).toBe('failed');
    expect(step(/^check certificate expiry on every/).error).toMatch(/^certs\.expiry: 21 certificates with fewer than 30 days left; the soonest: [\w-]+ on cp\d, 19 days left \(until \d{4}-\d\d-\d\d\)\. cp1, cp2, cp3 \(openssl x509 -enddate; no kubeadm on the host\): apiserver, apiserver-etcd-client, apiserver-kubelet-client, etcd-healthcheck-client, etcd-peer, etcd-server, front-proxy-client: 19 days left \(fewer than 30\); CAs ca, etcd-ca, front-proxy-ca: 3649 days left/);
    expect(events.find((e) => e.type === 'drill.end')?.reason).toMatch(/^step "check certificate expiry on every control plane" failed: certs\.expiry: 21 certificates/);
    // The renewal and the check after passed.
    const renew = step(/^kubeadm certs renew all/);
    expect(renew.status, out).toBe('passed');
    for (const h of lab.hosts) {
      expect(renew.output).toMatch(new RegExp(`^${h.name} \\(STAND-IN: openssl re-issue from the CA on the host; no kubeadm on the host\\): renewed apiserver, apiserver-etcd-client, apiserver-kubelet-client, etcd-healthcheck-client, etcd-peer, etcd-server, front-proxy-client until \\d{4}-\\d\\d-\\d\\d \\(364 days left\\); restarted etcd, kube-apiserver in [\\d.]+ s; etcd healthy on every member [\\d.]+ s later$`, 'm'));
    }
    expect(step(/^check certificate expiry again/).status).toBe('passed');
    expect(step(/^check certificate expiry again/).output).toMatch(/^certs\.expiry: every certificate has 30 days or more left; the soonest: [\w-]+ on cp\d, 364 days left .*cp1, cp2, cp3 \(openssl x509 -enddate; no kubeadm on the host\): apiserver, apiserver-etcd-client, apiserver-kubelet-client, etcd-healthcheck-client, etcd-peer, etcd-server, front-proxy-client: 364 days left; CAs ca, etcd-ca, front-proxy-ca: 3649 days left$/);

    // One host at a time: each host's manifests all out, then all back, before the next host's; the etcd leader last.
    const moves = manifestMoves(events);
    const order = moves.map(([h]) => h).filter((h, i, a) => h !== a[i - 1]);
    expect(order.sort()).toEqual(['cp1', 'cp2', 'cp3']);
    const byHost = (h: string) => moves.filter(([x]) => x === h).map(([, dirn, pod]) => `${dirn} ${pod}`);
    for (const h of lab.hosts) expect(byHost(h.name).slice(0, 2).sort().concat(byHost(h.name).slice(2).sort())).toEqual(['out etcd', 'out kube-apiserver', 'back etcd', 'back kube-apiserver']);
    expect(moves.map(([h]) => h).filter((h, i, a) => h !== a[i - 1]).at(-1)).toBe(leader);

    // Writes went on: the probe saw no gap over its 2 s budget. Quorum 3/3 and every host steady after.
    const probe = events.find((e) => e.type === 'probe.summary' && e.probe === 'etcd.writes');
    expect(probe?.ok, probe?.message).toBe(true);
    expect(safetyNetActed(events)).toEqual([]);
    expect(await hostsSteady(lab)).toEqual([]);

    // Seen on the hosts themselves: every leaf re-issued (new serial, a year ahead) with the same key,
    // subject and extensions, signed by its CA; and the static Pods restarted (new containers).
    for (const c of cp) {
      for (const l of LEAVES) {
        const was = before.get(`${c} ${l}`)!;
        const now = certOn(c, l);
        expect(now.keep, `${c} ${l}`).toBe(was.keep);
        expect(now.serial, `${c} ${l}`).not.toBe(was.serial);
        expect(Math.round((now.end - Date.now()) / DAY), `${c} ${l}`).toBe(365);
        expect(onHost(c, ['openssl', 'verify', '-CAfile', caOf(l), crt(l)]).trim()).toBe(`${crt(l)}: OK`);
      }
      expect(onHost(c, ['find', '/etc/kubernetes/pki', '-name', '*.kdrill-renew']).trim()).toBe('');
      for (const p of ['etcd', 'kube-apiserver']) {
        const now = running(c, p);
        expect(now, `${c} ${p}`).not.toBe('');
        expect(now, `${c} ${p} restarted`).not.toBe(pods.get(`${c} ${p}`));
      }
    }
    const measures = Object.fromEntries(events.filter((e) => e.type === 'measure' && String(e.name).startsWith('certs.renew')).map((e) => [e.name, e.value]));
    const gap = probe?.perStep.find((s: { step: string }) => /^kubeadm certs renew all/.test(s.step))?.longestMs;
    process.stdout.write(`  expiring: whole run ${((Date.now() - started) / 1000).toFixed(1)} s; certs.renew on 3 hosts ${measures['certs.renew.total']} ms (${lab.hosts.map((h) => `${h.name}: renew ${measures[`certs.renew.${h.name}.renew`]} ms, restart ${measures[`certs.renew.${h.name}.restart`]} ms`).join('; ')}); longest write gap during it ${gap} ms\n`);
  }, 180_000);

  // Over ssh the first test ran it; here the docker transport (the stand-in's request on openssl's stdin).
  it('run again, the certificates a year out: the drill passes, through docker exec', async () => {
    for (const [name, args] of [['again-docker', ['--set', 'transport=docker']]] as Array<[string, string[]]>) {
      const started = Date.now();
      const r = await run(name, args);
      const { events } = journalOf(path.join(dir, name));
      expect(r.code, `${name}\n${r.stdout}\n${r.stderr}`).toBe(0);
      expect(events.filter((e) => e.type === 'step.end' && e.status !== 'passed')).toEqual([]);
      expect(safetyNetActed(events)).toEqual([]);
      expect(await hostsSteady(lab)).toEqual([]);
      const commands = events.filter((e) => e.type === 'command').map((e) => (e.argv as string[]).join(' '));
      // The stand-in's request reaches openssl on its stdin: `docker exec -i` through the docker transport.
      if (name === 'again-docker') expect(commands.some((c) => new RegExp(`^docker exec -i ${prefix}-cp\\d openssl x509 -req -CA /etc/kubernetes/pki/etcd/ca.crt`).test(c))).toBe(true);
      else expect(commands.some((c) => c.startsWith('docker exec'))).toBe(false);
      process.stdout.write(`  ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
  }, 180_000);

  it('Ctrl-C mid-restart and mid-renewal: the manifests go back, no half-made certificate is left, the hosts are steady', async () => {
    // Interrupted right after a host's first manifest left the folder, after the second host's
    // first stand-in signature, and at a random moment of the renewal step.
    const moments: Array<[string, (events: Array<Record<string, any>>) => boolean]> = [
      ['a manifest out', (ev) => manifestMoves(ev).some(([, d]) => d === 'out')],
      ['mid-renewal of the 2nd host', (ev) => ev.filter((e) => e.type === 'command' && /openssl.{0,8}x509.{0,8}-req/.test((e.argv as string[]).join(' '))).length >= 8],
      ['random', (ev) => ev.some((e) => e.type === 'step.start' && /^kubeadm certs renew all/.test(e.name))],
    ];
    for (const [what, when] of moments) {
      const report = path.join(dir, `int-${what.replaceAll(' ', '-')}`);
      const p = spawnKdrill(['run', path.join(root, 'drills/kubeadm/cert-expiry.yaml'), '--set', `inventory=${inventory}`, '--report-dir', report], { KDRILL_STATE_DIR: path.join(dir, 'state') });
      await waitForJournal(report, when, 60_000);
      if (what === 'random') await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 5_000)));
      p.child.kill('SIGINT');
      const done = await p.done;
      const { events } = journalOf(report);
      expect([0, 130], `${what}: exit ${done.code}\n${done.stdout}\n${done.stderr}`).toContain(done.code);
      // The action put back what it moved out itself: the safety net found nothing to heal.
      expect(safetyNetActed(events), what).toEqual([]);
      expect(await hostsSteady(lab), what).toEqual([]);
      for (const h of lab.hosts) expect(onHost(h.container, ['find', '/etc/kubernetes/pki', '-name', '*.kdrill-renew']).trim(), `${what}: ${h.name}`).toBe('');
      const back = events.filter((e) => e.type === 'log' && /put .* back in \/etc\/kubernetes\/manifests/.test(e.message)).map((e) => e.message);
      process.stdout.write(`  SIGINT ${what}: exit ${done.code}${back.length ? `; ${back.join('; ')}` : ''}\n`);
    }
  }, 180_000);
});

describe('certs.renew refuses a host whose etcd restart would lose quorum', () => {
  it('with cp3\'s etcd stopped, renewing cp1 is refused before anything is done', async () => {
    const [c1, , c3] = lab.hosts.map((h) => h.container);
    const serial = certOn(c1!, 'etcd/server').serial;
    // cp3's etcd stopped the seeds' way, as an earlier drill killed with SIGKILL would leave it.
    onHost(c3!, ['sh', '-c', 'mkdir -p /etc/kubernetes/kdrill-stopped && mv /etc/kubernetes/manifests/etcd.yaml /etc/kubernetes/kdrill-stopped/']);
    const file = path.join(dir, 'renew-cp1.yaml');
    writeFileSync(file, `apiVersion: kdrill/v1
kind: Drill
metadata: {name: renew-cp1}
lab: {provider: kubeadm, inventory: "\${params.inventory}"}
params: {inventory: none}
steps:
  - name: renew cp1
    action: certs.renew
    with: {nodes: [cp1]}
`);
    const r = await runKdrill(['run', file, '--set', `inventory=${inventory}`, '--report-dir', path.join(dir, 'refused')], { KDRILL_STATE_DIR: path.join(dir, 'state') });
    const { events } = journalOf(path.join(dir, 'refused'));
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(1);
    expect(events.find((e) => e.type === 'step.end')?.error).toBe("not restarting cp1's static Pods: 2 of 3 etcd members healthy (cp1, cp2); with cp1's member restarting 1 would be left, quorum is 2. Renewed so far: none");
    expect(certOn(c1!, 'etcd/server').serial).toBe(serial);
    expect(manifestMoves(events).filter(([h]) => h === 'cp1')).toEqual([]);
    // The safety net put cp3's etcd back (kdrill's parking folder), and the hosts are steady.
    expect(await hostsSteady(lab)).toEqual([]);
  }, 120_000);
});

describe('cert-expiry --dry-run', () => {
  it('lists the exact commands on each host: the expiry read, kubeadm certs renew all or the stand-in, the manifest moves', async () => {
    const r = await runKdrill(['run', path.join(root, 'drills/kubeadm/cert-expiry.yaml'), '--set', `inventory=${inventory}`, '--dry-run'], { KDRILL_STATE_DIR: path.join(dir, 'state') });
    expect(r.code, r.stderr).toBe(0);
    for (const h of lab.hosts) {
      const ssh = `ssh -p ${h.port} -i ${lab.key} -o UserKnownHostsFile=${lab.knownHosts} root@127.0.0.1 --`;
      for (const line of [
        `${ssh} kubeadm certs check-expiration -o json`,
        `${ssh} openssl x509 -noout -enddate -serial -in /etc/kubernetes/pki/etcd/server.crt`,
        `${ssh} kubeadm certs renew all`,
        `${ssh} openssl x509 -x509toreq -in /etc/kubernetes/pki/etcd/peer.crt -signkey /etc/kubernetes/pki/etcd/peer.key -copy_extensions copyall | ${ssh} openssl x509 -req -CA /etc/kubernetes/pki/etcd/ca.crt -CAkey /etc/kubernetes/pki/etcd/ca.key`,
        `${ssh} mv /etc/kubernetes/manifests/etcd.yaml /etc/kubernetes/kdrill-stopped/etcd.yaml`,
        `${ssh} mv /etc/kubernetes/kdrill-stopped/kube-apiserver.yaml /etc/kubernetes/manifests/kube-apiserver.yaml`,
      ]) expect(r.stdout, line).toContain(line);
    }
  });
});
