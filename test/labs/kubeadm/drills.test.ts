import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { journalOf, root, runKdrill, spawnKdrill, tempDir } from '../../helpers/kdrill.js';
import { startFakeApiServer, type FakeApiServer } from '../../fakes/fake-api-server.js';
import { hostsSteady } from './steady.js';
import { removeTestCluster, startTestCluster, type TestCluster } from './cluster.js';

// Every drill of drills/kubeadm runs for real here, as a user runs it: the kdrill binary, over the
// user's OpenSSH client to real sshd on kdrill's kubeadm test hosts (scripts/kubeadm-test-hosts.mjs:
// real etcd 3.4 with kubeadm's PKI and manifests; TEST DOUBLES of systemd, kubelet, crictl and the API
// server), power cut by the hosts' `docker` power driver. After each drill the hosts themselves are
// checked through docker (not through kdrill): every host running, kubelet active, every manifest
// in /etc/kubernetes/manifests, etcd 3/3 healthy.
// apiserver-failover needs the Kubernetes API: here its etcd and ssh half runs against the hosts,
// its API checks against the Kubernetes API TEST DOUBLE (test/fakes/fake-api-server.ts), which cannot
// fail over; the nightly workflow runs the whole of it on a real kind cluster.

const prefix = `kdh-d${process.pid % 100000}`;
let lab: TestCluster;
let dir: string;

beforeAll(async () => {
  await removeTestCluster(prefix).catch(() => undefined);
  lab = await startTestCluster(prefix);
  dir = tempDir('kdrill-kubeadm-drills-');
  process.stdout.write(`  test hosts up in ${(lab.upMs / 1000).toFixed(1)} s\n`);
}, 180_000);

afterAll(async () => {
  await lab?.remove();
});

const drill = (name: string) => path.join(root, 'drills/kubeadm', `${name}.yaml`);

/** How long each drill took when it passed (the Ctrl-C test draws its moments over that). */
const lengths = new Map<string, number>();

async function passes(file: string, args: string[], name: string): Promise<Array<Record<string, any>>> {
  const started = Date.now();
  const r = await runKdrill(['run', file, '--set', `inventory=${lab.inventory}`, ...args, '--report-dir', path.join(dir, name)], { KDRILL_STATE_DIR: path.join(dir, 'state') });
  const { events, runDir } = journalOf(path.join(dir, name));
  expect(r.code, `${name}\n${r.stdout}\n${r.stderr}`).toBe(0);
  expect(JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')).status).toBe('passed');
  expect(events.filter((e) => e.type === 'step.end' && e.status !== 'passed')).toEqual([]);
  // The drill's own restore left the hosts steady: the safety net had nothing to do.
  expect(events.filter((e) => e.type === 'log' && /steady state after the drill|lab healed|lab left broken/.test(e.message))).toEqual([]);
  expect(await hostsSteady(lab)).toEqual([]);
  process.stdout.write(`  ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  lengths.set(name, Date.now() - started);
  return events;
}

describe('drills/kubeadm on the test hosts, over ssh', () => {
  it('cp-host-loss: a host powered off, quorum 2/3, powered on, 3/3 in sync', async () => {
    const events = await passes(drill('cp-host-loss'), [], 'cp-host-loss');
    // The power driver ran: docker stop --time 0 on the follower's container, then docker start.
    const commands = events.filter((e) => e.type === 'command').map((e) => (e.argv as string[]).join(' '));
    expect(commands.some((c) => new RegExp(`^docker stop --time 0 ${prefix}-cp\\d$`).test(c))).toBe(true);
    expect(commands.some((c) => new RegExp(`^docker start ${prefix}-cp\\d$`).test(c))).toBe(true);
  });

  it('etcd-static-pod-stop: etcd.yaml out of the manifests folder and back', async () => {
    const events = await passes(drill('etcd-static-pod-stop'), [], 'etcd-static-pod-stop');
    const commands = events.filter((e) => e.type === 'command').map((e) => (e.argv as string[]).join(' '));
    expect(commands.some((c) => c.startsWith('ssh ') && c.includes("'mv' '/etc/kubernetes/manifests/etcd.yaml' '/etc/kubernetes/kdrill-stopped/etcd.yaml'"))).toBe(true);
  });

  it('apiserver-failover: kubelet stopped (its static Pods keep running), then the API server\'s manifest out and back', async () => {
    let api: FakeApiServer | undefined;
    try {
      api = await startFakeApiServer();
      const kubeconfig = api.kubeconfig;
      const doc = parseDocument(readFileSync(lab.inventory, 'utf8'));
      doc.set('kubeconfig', kubeconfig);
      const inventory = path.join(dir, 'with-api.yaml');
      writeFileSync(inventory, doc.toString());
      const events = await passes(drill('apiserver-failover'), ['--set', `inventory=${inventory}`], 'apiserver-failover');
      const held = (check: string, step: RegExp) => events.some((e) => e.type === 'check.end' && e.check === check && e.ok && step.test(e.step ?? ''));
      // The seeds' point, checked on the host: with kubelet stopped, etcd and the API server still run.
      expect(held('kubelet.active', /stop kubelet/)).toBe(true);
      expect(held('staticpod.running', /stop kubelet/)).toBe(true);
    } finally {
      await api?.close();
    }
  });

  it('member-replace: member remove, /var/lib/etcd emptied in place, member add, started existing', async () => {
    const events = await passes(drill('member-replace'), [], 'member-replace');
    const commands = events.filter((e) => e.type === 'command').map((e) => (e.argv as string[]).join(' '));
    // kubeadm's path stays: the data dir was moved aside and made again, never repointed.
    expect(commands.some((c) => /'mv' '\/var\/lib\/etcd' '\/var\/lib\/etcd-removed-\d{8}T\d{6}'/.test(c))).toBe(true);
    expect(commands.some((c) => /'mkdir' '-m' '0700' '\/var\/lib\/etcd'/.test(c))).toBe(true);
    for (const h of lab.hosts) {
      expect(execFileSync('docker', ['exec', h.container, 'grep', '-c', 'path: /var/lib/etcd$', '/etc/kubernetes/manifests/etcd.yaml'], { encoding: 'utf8' }).trim()).toBe('1');
    }
  });

  it('full-restore: the seeds\' sequence (API servers and etcd out, restore on each, repoint, back), a new cluster ID, the RPO', async () => {
    const events = await passes(drill('full-restore'), ['--set', `snapshot=${path.join(dir, 'full-restore.db')}`], 'full-restore');
    const out = String(events.find((e) => e.type === 'step.end' && e.name === 'restore every member from the same snapshot')?.output ?? '');
    expect(out).toMatch(/API servers stopped first and started last on cp1, cp2, cp3/);
    // The test hosts have etcd 3.4's etcdctl and no etcdutl.
    expect(out).toMatch(/restored with etcdctl on the host \(cp1, cp2, cp3\)/);
    expect(out).toMatch(/old data dirs kept until you remove them: cp1 \/var\/lib\/etcd\S*, cp2/);
    const measures = Object.fromEntries(events.filter((e) => e.type === 'measure').map((e) => [e.name, e.value]));
    expect(measures['rpo.keys']).toBe(12);
    expect(measures['clusterId.new']).not.toBe(measures['clusterId.old']);
    // The restore step's own commands (the steps before it moved two etcd manifests out already).
    const from = events.findIndex((e) => e.type === 'step.start' && e.name === 'restore every member from the same snapshot');
    const commands = events.slice(from).filter((e) => e.type === 'command').map((e) => (e.argv as string[]).join(' '));
    const first = (re: RegExp) => commands.findIndex((c) => re.test(c));
    expect(first(/'mv' '\/etc\/kubernetes\/manifests\/kube-apiserver\.yaml'/)).toBeGreaterThanOrEqual(0);
    // The seeds' order: every API server out before etcd, etcd out before any restore, API servers back last.
    expect(first(/'mv' '\/etc\/kubernetes\/manifests\/kube-apiserver\.yaml'/)).toBeLessThan(first(/'mv' '\/etc\/kubernetes\/manifests\/etcd\.yaml'/));
    expect(first(/'etcdctl' 'snapshot' 'restore'/)).toBeGreaterThan(first(/'mv' '\/etc\/kubernetes\/manifests\/etcd\.yaml'/));
  });

  it('app-data-survives: the row in PostgreSQL on a worker outlives quorum loss and a full restore (transport: docker)', async () => {
    // A worker host running the app's database: a real PostgreSQL (kdrill/postgres:15) on the lab's
    // network, reached with docker exec like the control planes in this run.
    const worker = `${prefix}-worker1`;
    execFileSync('docker', ['rm', '-f', worker], { stdio: 'ignore' });
    execFileSync('docker', ['run', '--detach', '--name', worker, '--label', 'dev.kdrill.test=kubeadm-host', '--label', `dev.kdrill.kubeadm-test-hosts=${prefix}`,
      '--network', prefix, '--env', 'POSTGRES_DB=bookstore', '--env', 'POSTGRES_HOST_AUTH_METHOD=trust', 'kdrill/postgres:15'], { stdio: 'ignore' });
    try {
      for (let i = 0; ; i++) {
        try {
          execFileSync('docker', ['exec', worker, 'pg_isready', '-q', '-h', '127.0.0.1', '-U', 'postgres', '-d', 'bookstore'], { stdio: 'ignore' });
          break;
        } catch (err) {
          if (i > 120) throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      const doc = parseDocument(readFileSync(lab.inventory, 'utf8'));
      doc.setIn(['hosts', 'worker1'], doc.createNode({ container: worker, postgres: { database: 'bookstore' } }));
      doc.setIn(['groups', 'kube_node'], doc.createNode(['worker1']));
      const inventory = path.join(dir, 'with-db.yaml');
      writeFileSync(inventory, doc.toString());
      const events = await passes(drill('app-data-survives'), ['--set', `inventory=${inventory}`, '--set', 'transport=docker', '--set', `snapshot=${path.join(dir, 'app-data.db')}`], 'app-data-survives');
      const rows = events.filter((e) => e.type === 'check.end' && e.check === 'sql.query');
      expect(rows.length).toBe(3);
      expect(rows.every((e) => e.ok)).toBe(true);
      // The psql ran on the worker, through its shell.
      const commands = events.filter((e) => e.type === 'command').map((e) => (e.argv as string[]).join(' '));
      expect(commands.some((c) => c.startsWith(`docker exec ${worker} psql -X -q -At`))).toBe(true);
    } finally {
      execFileSync('docker', ['rm', '-f', worker], { stdio: 'ignore' });
    }
  });

  it('etcd-static-pod-stop through docker exec (transport: docker), as on a kind cluster\'s nodes', async () => {
    const events = await passes(drill('etcd-static-pod-stop'), ['--set', 'transport=docker'], 'etcd-static-pod-stop-docker');
    const commands = events.filter((e) => e.type === 'command').map((e) => (e.argv as string[]).join(' '));
    expect(commands.some((c) => c.startsWith('ssh '))).toBe(false);
    expect(commands.some((c) => new RegExp(`^docker exec ${prefix}-cp\\d mv /etc/kubernetes/manifests/etcd.yaml`).test(c))).toBe(true);
  });
});

describe('a hostile param on a kubeadm host', () => {
  // Every word a shell would act on, a leading dash, quotes of both kinds, a glob.
  const hostile = `-n $(touch /tmp/pwned) \`touch /tmp/pwned2\`; touch /tmp/pwned3 && echo "x" 'y' * | cat > /tmp/pwned4`;

  it('reaches the remote command as one literal argument, over ssh', async () => {
    const file = path.join(dir, 'hostile.yaml');
    writeFileSync(file, `apiVersion: kdrill/v1
kind: Drill
metadata: {name: hostile-param}
lab: {provider: kubeadm, inventory: "\${params.inventory}"}
params:
  inventory: none
  value: harmless
steps:
  - name: write the value into a file on cp1
    action: node.exec
    with: {node: cp1, run: [sh, -c, 'printf %s "$1" > /tmp/kdrill-hostile; echo "$#"', sh, "\${params.value}"]}
    expect:
      - command: {run: [docker, exec, ${prefix}-cp1, cat, /tmp/kdrill-hostile], stdoutMatches: "^-n \\\\$\\\\(touch"}
`);
    const r = await runKdrill(['run', file, '--set', `inventory=${lab.inventory}`, '--set', `value=${hostile}`, '--report-dir', path.join(dir, 'hostile')], { KDRILL_STATE_DIR: path.join(dir, 'state') });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const { events } = journalOf(path.join(dir, 'hostile'));
    // One argument arrived ($# = 1), byte for byte the value, and nothing it names was run.
    expect(events.find((e) => e.type === 'step.end')?.output).toBe('1');
    expect(execFileSync('docker', ['exec', `${prefix}-cp1`, 'cat', '/tmp/kdrill-hostile'], { encoding: 'utf8' })).toBe(hostile);
    for (const f of ['/tmp/pwned', '/tmp/pwned2', '/tmp/pwned3', '/tmp/pwned4']) {
      expect(execFileSync('docker', ['exec', `${prefix}-cp1`, 'sh', '-c', 'test -e "$1" && echo yes || echo no', 'sh', f], { encoding: 'utf8' }).trim(), f).toBe('no');
    }
  });
});

describe('Ctrl-C at random moments leaves the hosts steady', () => {
  // Each run is interrupted (SIGINT, as Ctrl-C) at a random moment of the drill; kdrill runs the
  // restore, and the hosts must then be at their steady state, checked through docker: every host
  // powered on, every manifest in place, etcd.yaml on a data dir that exists, kubelet running,
  // quorum 3/3.
  // 1 moment a drill in `npm test` (CI time); KDRILL_KUBEADM_SOAK=10 for the 10 (the note
  // of issues 13 and 14 gives those runs).
  const ROUNDS = Number(process.env.KDRILL_KUBEADM_SOAK ?? 1);
  const extra = (name: string) => (name === 'full-restore' ? ['--set', `snapshot=${path.join(dir, 'soak-full-restore.db')}`] : []);
  for (const name of ['cp-host-loss', 'etcd-static-pod-stop', 'member-replace', 'full-restore']) {
    it(`${name}: ${ROUNDS} interrupted runs`, async () => {
      // The moments are drawn over the length of a whole run, so that each lands in the drill: the
      // length its passing run above took, else one run to the end first.
      let length = lengths.get(name);
      if (length === undefined) {
        const t = Date.now();
        const whole = await spawnKdrill(['run', drill(name), '--set', `inventory=${lab.inventory}`, ...extra(name), '--report-dir', path.join(dir, `soak-${name}-whole`)], { KDRILL_STATE_DIR: path.join(dir, 'state') }).done;
        expect(whole.code, whole.stdout).toBe(0);
        length = Date.now() - t;
      }
      const outcomes: string[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const at = 400 + Math.floor(Math.random() * (length - 600));
        const report = path.join(dir, `soak-${name}-${i}`);
        const run = spawnKdrill(['run', drill(name), '--set', `inventory=${lab.inventory}`, ...extra(name), '--report-dir', report], { KDRILL_STATE_DIR: path.join(dir, 'state') });
        const timer = setTimeout(() => run.child.kill('SIGINT'), at);
        const done = await run.done;
        clearTimeout(timer);
        // 130: interrupted and restored; 0: the drill ended before the signal.
        expect([0, 130], `round ${i} (SIGINT at ${at} ms): exit ${done.code}\n${done.stdout}\n${done.stderr}`).toContain(done.code);
        expect(await hostsSteady(lab), `round ${i} (SIGINT at ${at} ms)\n${done.stdout}`).toEqual([]);
        outcomes.push(`${at} ms → ${done.code}`);
      }
      process.stdout.write(`  ${name} (a whole run: ${length} ms): SIGINT at ${outcomes.join(', ')}\n`);
    }, 600_000);
  }
});

describe('the safety net of a kubeadm lab', () => {
  it('brings hosts left broken back: powered on, kubelet started, a parked manifest back; never removes anything', async () => {
    // Broken outside kdrill, as a drill killed with SIGKILL would leave them: kubelet stopped on cp2,
    // cp1's API server manifest in kdrill's parking folder. The drill then powers cp3 off and has
    // no restore: what it leaves, the safety net must bring back too.
    const [c1, c2, c3] = lab.hosts.map((h) => h.container);
    execFileSync('docker', ['exec', c1!, 'sh', '-c', 'mkdir -p /etc/kubernetes/kdrill-stopped && mv /etc/kubernetes/manifests/kube-apiserver.yaml /etc/kubernetes/kdrill-stopped/']);
    execFileSync('docker', ['exec', c2!, 'systemctl', 'stop', 'kubelet']);
    expect(await hostsSteady(lab)).toEqual([
      'cp1: kube-apiserver.yaml not in /etc/kubernetes/manifests',
      'cp1: left in /etc/kubernetes/kdrill-stopped: kube-apiserver.yaml',
      'cp2: kubelet inactive',
    ]);
    const file = path.join(dir, 'nothing.yaml');
    writeFileSync(file, `apiVersion: kdrill/v1
kind: Drill
metadata: {name: no-restore}
lab: {provider: kubeadm, inventory: "\${params.inventory}"}
params: {inventory: none}
steps:
  - name: power cp3 off, and no restore
    action: node.poweroff
    with: {node: cp3}
`);
    const r = await runKdrill(['run', file, '--set', `inventory=${lab.inventory}`, '--report-dir', path.join(dir, 'net')], { KDRILL_STATE_DIR: path.join(dir, 'state') });
    const { events } = journalOf(path.join(dir, 'net'));
    const logs = events.filter((e) => e.type === 'log').map((e) => String(e.message)).join('\n');
    expect(logs, `${r.stdout}\n${r.stderr}`).toMatch(/powered on cp3/);
    expect(logs).toMatch(/started kubelet on cp2/);
    expect(logs).toMatch(/put kube-apiserver\.yaml back on cp1/);
    expect(await hostsSteady(lab)).toEqual([]);
    // Every host is still there: kdrill never removes a kubeadm host.
    for (const c of [c1, c2, c3]) expect(execFileSync('docker', ['container', 'inspect', '--format', '{{.State.Running}}', c!], { encoding: 'utf8' }).trim()).toBe('true');
    // The run fails, saying why: its lab was off its steady state after the drill (then healed).
    expect(r.code).toBe(1);
    expect(events.find((e) => e.type === 'drill.end')?.reason).toMatch(/left lab inventory-[0-9a-f]{6} off its steady state .*cp3: does not answer/);
  });
});

describe('maintenance on hosts of its own, with a 16 MiB quota', () => {
  // Its own hosts: after a NOSPACE episode a member replaced on the same hosts replays the raft log
  // (kept up to --snapshot-count entries) into a fresh backend and hits the small quota itself.
  const own = `kdh-m${process.pid % 100000}`;
  let mlab: TestCluster;
  beforeAll(async () => {
    await removeTestCluster(own).catch(() => undefined);
    mlab = await startTestCluster(own, { etcdArgs: ['--quota-backend-bytes=16777216'] });
  }, 180_000);
  afterAll(async () => {
    await mlab?.remove();
  });

  it('maintenance: defrag followers first, the leader last; NOSPACE and A-C-D-D', async () => {
    const was = lab;
    lab = mlab;
    try {
      const events = await passes(drill('maintenance'), [], 'maintenance');
      expect(events.some((e) => e.type === 'check.end' && e.check === 'etcd.alarms' && e.ok && /NOSPACE/.test(e.message))).toBe(true);
      // After the compaction, with the write probe's writes, the freed space shows in dbSizeInUse.
      expect(events.some((e) => e.type === 'check.end' && e.check === 'etcd.dbSize' && e.ok && /fragmentation > 50%/.test(e.message))).toBe(true);
    } finally {
      lab = was;
    }
  });

  it('drills/etcd/nospace-acdd.yaml through etcdctl over ssh (etcdAccess: exec): the fill goes a transaction of 4 puts a call', async () => {
    const doc = parseDocument(readFileSync(path.join(root, 'drills/etcd/nospace-acdd.yaml'), 'utf8'));
    doc.set('lab', { provider: 'kubeadm', inventory: mlab.inventory, etcdAccess: 'exec' });
    const file = path.join(dir, 'nospace-exec.yaml');
    writeFileSync(file, doc.toString());
    const r = await runKdrill(['run', file, '--report-dir', path.join(dir, 'nospace-exec')], { KDRILL_STATE_DIR: path.join(dir, 'state') });
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const { events } = journalOf(path.join(dir, 'nospace-exec'));
    expect(events.find((e) => e.type === 'step.end' && e.name === 'fill until NOSPACE')?.output).toMatch(/^NOSPACE after \d+ accepted puts .* in transactions of 4 puts/);
    // etcdctl txn in the member's etcd container (crictl exec), over ssh, every word quoted for the remote shell.
    const commands = events.filter((e) => e.type === 'command').map((e) => (e.argv as string[]).join(' '));
    expect(commands.filter((c) => /^ssh .* 'crictl' 'exec' '-i' '[0-9a-f]+' 'etcdctl' .*'txn'$/.test(c)).length).toBeGreaterThan(10);
    expect(await hostsSteady(mlab)).toEqual([]);
  });
});
