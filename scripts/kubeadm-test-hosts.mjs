#!/usr/bin/env node
// kdrill's kubeadm test hosts: a lab of N "VMs" to run the kubeadm lab's drills on, made of containers
// of kdrill/kubeadm-host:etcd-3.4.23 (scripts/build-kubeadm-host-image.sh): a real sshd, real etcd 3.4
// with kubeadm's PKI and static-Pod manifests, and TEST DOUBLES of systemd, systemctl, kubelet,
// crictl and kube-apiserver (which answers /livez and /readyz only). Reached the way a Vagrant lab
// is: ssh on 127.0.0.1 with a port per host, a key pair made for the lab, a known_hosts of its own.
//
//   node scripts/kubeadm-test-hosts.mjs up <prefix> [--hosts 3] [--inventory <out.yaml>] [--dir <dir>]
//                                       [--etcd-arg <--flag=value>]... [--cert-days <days>] [--image <image>] [--quiet]
//   node scripts/kubeadm-test-hosts.mjs down <prefix>
//
// up: a docker network <prefix> with a fixed IPv4 /24 (10.213.X.0/24, X from the prefix, the next
// one on overlap), hosts <prefix>-cp1..N (hostname and network alias cp1..N, fixed IP .11.., ssh
// published on a fixed 127.0.0.1 port), so that a host keeps its address and port across
// `docker stop` / `docker start` like a VM with a static IP and a forwarded port. Then stacked etcd
// on every host (--initial-cluster of all, member name = host name, TLS everywhere) and kube-apiserver,
// both static Pods. Returns once etcd is healthy on every member (etcdctl endpoint health --cluster
// over mTLS inside cp1) and /readyz answers on every host. Prints the inventory's path on stdout.
// The PKI is kubeadm's: etcd's, the API server's and the front proxy's, three CAs (10 years) and
// leaf certificates of --cert-days (365 unless said, as kubeadm makes them; e.g. --cert-days 20 for
// certificates that a `certs.expiry` check with minDays: 30 finds expiring).
// The lab's folder (--dir, default $TMPDIR/kdrill-kubeadm-<prefix>) holds the key pair (never
// printed), known_hosts, inventory.yaml and lab.json (hosts, IPs, ports, for scripts).
// down: removes the containers and the network carrying label dev.kdrill.kubeadm-test-hosts=<prefix>
// (and nothing else), and the lab's folder.
// Every command is an argv array; nothing goes through a shell.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { apiServerManifest, etcdManifest, makePki, PKI } from './lib/kubeadm-files.mjs';

const LAB_LABEL = 'dev.kdrill.kubeadm-test-hosts';
const DIR_LABEL = 'dev.kdrill.kubeadm-test-hosts.dir';
const TEST_LABEL = 'dev.kdrill.test=kubeadm-host';
const IMAGE = process.env.KDRILL_KUBEADM_HOST_IMAGE || 'kdrill/kubeadm-host:etcd-3.4.23';
const WRITTEN_BY = 'scripts/kubeadm-test-hosts.mjs (kdrill\'s kubeadm test hosts)';
const USAGE = `usage: node scripts/kubeadm-test-hosts.mjs up <prefix> [--hosts 3] [--inventory <out.yaml>] [--dir <dir>] [--etcd-arg <--flag=value>]... [--cert-days 365] [--image <image>] [--quiet]
       node scripts/kubeadm-test-hosts.mjs down <prefix>`;

class UsageError extends Error {}
class LabError extends Error {}

const run = promisify(execFile);

/** docker with an argv array: {code, stdout, stderr}; throws a LabError with the command line unless check is false. */
async function docker(args, { check = true, input } = {}) {
  const res = await new Promise((resolve) => {
    const child = execFile('docker', args, { encoding: 'utf8', timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr: stderr || (err ? String(err.message) : '') }));
    if (input !== undefined) child.stdin.end(input);
  });
  if (check && res.code !== 0) throw new LabError(`docker ${args.join(' ')}: exit ${res.code}\n${res.stderr.trim()}`);
  return res;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hashOf = (s) => createHash('sha256').update(s).digest().readUInt32BE(0);

function parseArgs(argv) {
  const [verb, prefix, ...rest] = argv;
  if (verb !== 'up' && verb !== 'down') throw new UsageError(verb ? `unknown command "${verb}"` : 'no command');
  if (!prefix || !/^[a-z0-9][a-z0-9.-]{0,39}$/.test(prefix)) throw new UsageError(`the prefix must be 1-40 of a-z 0-9 . - (a docker name), got ${JSON.stringify(prefix ?? '')}`);
  const o = { verb, prefix, hosts: 3, etcdArgs: [], certDays: 365, image: IMAGE, quiet: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = () => {
      if (i + 1 >= rest.length) throw new UsageError(`${a} needs a value`);
      return rest[++i];
    };
    if (verb === 'down') throw new UsageError(`down takes no option (${a}): the lab's folder is found on its network`);
    if (a === '--hosts') o.hosts = Number(value());
    else if (a === '--inventory') o.inventory = path.resolve(value());
    else if (a === '--dir') o.dir = path.resolve(value());
    else if (a === '--etcd-arg') o.etcdArgs.push(value());
    else if (a === '--cert-days') o.certDays = Number(value());
    else if (a === '--image') o.image = value();
    else if (a === '--quiet') o.quiet = true;
    else throw new UsageError(`unknown option ${a}`);
  }
  if (!Number.isInteger(o.hosts) || o.hosts < 1 || o.hosts > 9) throw new UsageError('--hosts must be 1 to 9');
  if (!Number.isInteger(o.certDays) || o.certDays < 1 || o.certDays > 3650) throw new UsageError('--cert-days must be 1 to 3650 (the leaf certificates\' validity in days)');
  for (const f of o.etcdArgs) if (!/^--[a-z0-9-]+(=[^\s]*)?$/.test(f)) throw new UsageError(`--etcd-arg takes one etcd flag such as --quota-backend-bytes=16777216, got ${JSON.stringify(f)}`);
  o.dir ??= path.join(tmpdir(), `kdrill-kubeadm-${prefix}`);
  o.inventory ??= path.join(o.dir, 'inventory.yaml');
  return o;
}

// ---------------------------------------------------------------- network and ports

/** The lab's network with a /24 of its own: 10.213.X.0/24, X from the prefix, the next X while docker says it overlaps. */
async function createNetwork(o) {
  const first = hashOf(o.prefix) % 256;
  for (let k = 0; k < 64; k++) {
    const x = (first + k) % 256;
    const r = await docker(['network', 'create', '--driver', 'bridge', '--subnet', `10.213.${x}.0/24`, '--gateway', `10.213.${x}.1`,
      '--label', TEST_LABEL, '--label', `${LAB_LABEL}=${o.prefix}`, '--label', `${DIR_LABEL}=${o.dir}`, o.prefix], { check: false });
    if (r.code === 0) return `10.213.${x}`;
    if (!/overlap/i.test(r.stderr)) throw new LabError(`docker network create ${o.prefix}: ${r.stderr.trim()}`);
  }
  throw new LabError('no free /24 in 10.213.0.0/16 for the lab network');
}

const portFree = (port) => new Promise((resolve) => {
  const s = createServer();
  s.once('error', () => resolve(false));
  s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
});

/**
 * Fixed ssh ports on 127.0.0.1, below Linux's ephemeral range (32768-60999) so that no outgoing
 * connection or `-p 127.0.0.1::22` takes one while its host is powered off: docker gives a
 * container published with `-p 127.0.0.1::22` a NEW port at each start, a VM's forwarded port stays.
 */
async function freePorts(prefix, n) {
  const ports = [];
  const first = hashOf(`${prefix}/ssh`) % 12000;
  for (let k = 0; ports.length < n && k < 12000; k++) {
    const port = 20000 + ((first + k) % 12000);
    if (await portFree(port)) ports.push(port);
  }
  if (ports.length < n) throw new LabError('no free port for ssh in 20000-31999 on 127.0.0.1');
  return ports;
}

// ---------------------------------------------------------------- up

const log = (o, line) => { if (!o.quiet) process.stderr.write(`${line}\n`); };

/** One host's files, as a tar for `docker cp - <container>:/`: root-owned, kubeadm's modes. */
async function hostTar(staging, pki, files) {
  const root = path.join(staging, 'rootfs');
  mkdirSync(root, { mode: 0o755 }); // its mode becomes that of the host's /
  mkdirSync(path.join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  mkdirSync(path.join(root, 'etc/kubernetes/manifests'), { recursive: true });
  for (const [to, text, mode] of files) writeFileSync(path.join(root, to), text, { mode });
  await run('cp', ['-a', `${pki}/.`, path.join(root, PKI.slice(1))]);
  const { stdout } = await run('tar', ['-C', root, '--owner=0', '--group=0', '--numeric-owner', '-c', '.'], { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

const ETCDCTL = ['etcdctl', '--endpoints=https://127.0.0.1:2379', `--cacert=${PKI}/etcd/ca.crt`, `--cert=${PKI}/etcd/healthcheck-client.crt`,
  `--key=${PKI}/etcd/healthcheck-client.key`, '--dial-timeout=1s', '--command-timeout=3s'];

async function until(what, deadline, probe) {
  let last = '';
  for (;;) {
    const r = await probe();
    if (r.code === 0) return r;
    last = `${r.stdout}${r.stderr}`.trim();
    if (Date.now() > deadline) throw new LabError(`${what}, not within the time given:\n${last}`);
    await sleep(200);
  }
}

async function up(o) {
  const t0 = performance.now();
  const ms = () => `${Math.round(performance.now() - t0)} ms`;
  if ((await docker(['image', 'inspect', '--format', '{{.Id}}', o.image], { check: false })).code !== 0) {
    throw new LabError(`the image ${o.image} is missing: run bash scripts/build-kubeadm-host-image.sh`);
  }
  if ((await ours(o.prefix)).containers.length || (await docker(['network', 'inspect', o.prefix], { check: false })).code === 0) {
    throw new LabError(`a lab or a network named ${o.prefix} exists already: node scripts/kubeadm-test-hosts.mjs down ${o.prefix}`);
  }
  if (existsSync(o.dir) && readdirSync(o.dir).length > 0) throw new LabError(`${o.dir} exists and is not empty: down ${o.prefix}, or give another --dir`);
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const key = path.join(o.dir, 'id_ed25519');
  const made = [];
  try {
    const [net, ports] = await Promise.all([
      createNetwork(o),
      freePorts(o.prefix, o.hosts),
      run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `kdrill-kubeadm-${o.prefix}`, '-f', key]),
    ]);
    const hosts = Array.from({ length: o.hosts }, (_, i) => ({ name: `cp${i + 1}`, container: `${o.prefix}-cp${i + 1}`, ip: `${net}.${11 + i}`, port: ports[i] }));
    log(o, `kubeadm test hosts ${o.prefix}: network ${net}.0/24, hosts ${hosts.map((h) => `${h.name} ${h.ip} ssh 127.0.0.1:${h.port}`).join(', ')} (${ms()})`);
    const staging = path.join(o.dir, 'staging');
    mkdirSync(staging);
    await Promise.all([
      makePki(staging, { controlPlanes: hosts, apiHost: hosts[0].ip, kubeconfigName: 'kubernetes', certDays: o.certDays, apiServerPki: true }),
      ...hosts.map(async (h) => {
        await docker(['create', '--name', h.container, '--hostname', h.name, '--network', o.prefix, '--ip', h.ip, '--network-alias', h.name,
          '--label', TEST_LABEL, '--label', `${LAB_LABEL}=${o.prefix}`, '--label', `${DIR_LABEL}=${o.dir}`,
          '--tmpfs', '/run', '-p', `127.0.0.1:${h.port}:22`, o.image]);
        made.push(h.container);
      }),
    ]);
    const authorized = readFileSync(`${key}.pub`, 'utf8');
    const admin = readFileSync(path.join(staging, 'admin.conf'), 'utf8');
    await Promise.all(hosts.map(async (h) => {
      const tar = await hostTar(path.join(staging, h.name), path.join(staging, h.name, 'pki'), [
        ['root/.ssh/authorized_keys', authorized, 0o600],
        ['etc/kubernetes/admin.conf', admin, 0o600],
        ['etc/kubernetes/manifests/etcd.yaml', etcdManifest(h, hosts, { extraArgs: o.etcdArgs, writtenBy: WRITTEN_BY }), 0o600],
        ['etc/kubernetes/manifests/kube-apiserver.yaml', apiServerManifest(h, { writtenBy: WRITTEN_BY }), 0o600],
      ]);
      await docker(['cp', '-', `${h.container}:/`], { input: tar });
    }));
    rmSync(staging, { recursive: true, force: true }); // the CA keys stay on the hosts only, as kubeadm leaves them
    await docker(['start', ...hosts.map((h) => h.container)]);
    log(o, `  hosts started with their PKI, etcd.yaml and kube-apiserver.yaml (${ms()})`);
    const deadline = Date.now() + 60_000;
    const hostKeys = await Promise.all(hosts.map(async (h) => {
      const r = await until(`${h.container}: sshd's host key`, deadline, async () => {
        const k = await docker(['exec', h.container, 'cat', '/etc/ssh/ssh_host_ed25519_key.pub'], { check: false });
        return /^ssh-ed25519 \S+/.test(k.stdout) ? k : { ...k, code: k.code || 1 };
      });
      return r.stdout.trim().split(/\s+/).slice(0, 2).join(' ');
    }));
    writeFileSync(path.join(o.dir, 'known_hosts'), hosts.map((h, i) => `[127.0.0.1]:${h.port},${h.ip} ${hostKeys[i]}\n`).join(''), { mode: 0o600 });
    await until(`etcd healthy on all ${o.hosts} members (${hosts[0].container}: ${ETCDCTL.join(' ')} endpoint health --cluster)`, deadline,
      // --cluster asks the members that have published their client URLs: count them (one still
      // unnamed would let it pass with 2 of 3).
      async () => {
        const r = await docker(['exec', hosts[0].container, ...ETCDCTL, 'endpoint', 'health', '--cluster'], { check: false });
        const healthy = `${r.stdout}${r.stderr}`.split('\n').filter((l) => / is healthy/.test(l)).length;
        return healthy >= o.hosts ? r : { ...r, code: r.code || 1 };
      });
    log(o, `  etcd healthy on ${o.hosts} of ${o.hosts} members (${ms()})`);
    await Promise.all(hosts.map((h) => until(`${h.container}: kube-apiserver /readyz`, deadline,
      () => docker(['exec', h.container, 'wget', '-q', '-O', '-', 'http://127.0.0.1:6443/readyz'], { check: false }))));
    writeFileSync(o.inventory, inventory(o, hosts, key));
    const upMs = Math.round(performance.now() - t0);
    writeFileSync(path.join(o.dir, 'lab.json'), `${JSON.stringify({ prefix: o.prefix, network: o.prefix, subnet: `${net}.0/24`, image: o.image, dir: o.dir, inventory: o.inventory, certDays: o.certDays, key, knownHosts: path.join(o.dir, 'known_hosts'), hosts, upMs }, null, 2)}\n`);
    log(o, `  kube-apiserver /readyz ok on every host; up in ${upMs} ms; inventory ${o.inventory}`);
    process.stdout.write(`${o.inventory}\n`);
  } catch (err) {
    const why = made[0] ? await lastEtcdLog(made[0]) : '';
    await down(o.prefix, { quiet: true, dir: o.dir });
    throw new LabError(`${err.message}${why}`);
  }
}

/** The first and last lines of the newest etcd container's log on a host: why etcd did not come up. */
async function lastEtcdLog(container) {
  const id = (await docker(['exec', container, 'crictl', 'ps', '--all', '--name', 'etcd', '--quiet'], { check: false })).stdout.split('\n')[0];
  if (!id) return '';
  const lines = (await docker(['exec', container, 'crictl', 'logs', id], { check: false })).stdout.split('\n').filter((l) => l.trim());
  const shown = lines.length > 10 ? [...lines.slice(0, 4), '…', ...lines.slice(-6)] : lines;
  return `\n--- ${container}: crictl logs ${id.slice(0, 13)} (etcd) ---\n${shown.join('\n')}`;
}

/** The lab as a kdrill inventory (src/labs/kubeadm/inventory-schema.ts), absolute paths. */
function inventory(o, hosts, key) {
  const q = JSON.stringify;
  return [
    `# kdrill's kubeadm test hosts "${o.prefix}", written by scripts/kubeadm-test-hosts.mjs: containers of ${o.image}`,
    '# (a real sshd and etcd; TEST DOUBLES of systemd, kubelet, crictl and kube-apiserver), reached like a Vagrant lab:',
    '# ssh on 127.0.0.1, a fixed port per host. Power driver: docker stop / start (each host keeps its IP and port).',
    `# Remove: node scripts/kubeadm-test-hosts.mjs down ${o.prefix}`,
    'apiVersion: kdrill/v1',
    'kind: Inventory',
    'defaults:',
    '  user: root',
    `  key: ${q(key)}`,
    `  knownHosts: ${q(path.join(o.dir, 'known_hosts'))}`,
    'hosts:',
    ...hosts.flatMap((h) => [
      `  ${h.name}:`, '    address: 127.0.0.1', `    port: ${h.port}`, `    container: ${h.container}`, `    power: {driver: docker, container: ${h.container}}`,
    ]),
    'groups:',
    `  kube_control_plane: [${hosts.map((h) => h.name).join(', ')}]`,
    `  etcd: [${hosts.map((h) => h.name).join(', ')}]`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- down

/** The lab's containers and networks: those labelled with its prefix, and nothing else. */
async function ours(prefix) {
  const label = `label=${LAB_LABEL}=${prefix}`;
  const fmt = (name) => `{{${name}}}\t{{.Label "${LAB_LABEL}"}}\t{{.Label "${DIR_LABEL}"}}`;
  const [c, n] = await Promise.all([
    docker(['ps', '--all', '--filter', label, '--format', fmt('.Names')]),
    docker(['network', 'ls', '--filter', label, '--format', fmt('.Name')]),
  ]);
  const rows = (out) => out.split('\n').filter(Boolean).map((l) => l.split('\t')).filter(([, p]) => p === prefix);
  return { containers: rows(c.stdout), networks: rows(n.stdout) };
}

/** What up writes in the lab's folder: down removes these, and the folder once it is empty (never anything else). */
const LAB_FILES = ['id_ed25519', 'id_ed25519.pub', 'known_hosts', 'inventory.yaml', 'lab.json', 'staging'];

function removeLabDir(dir) {
  for (const f of LAB_FILES) rmSync(path.join(dir, f), { recursive: true, force: true });
  try {
    if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  } catch { /* already gone */ }
}

async function down(prefix, { quiet = false, dir } = {}) {
  const found = await ours(prefix);
  const dirs = new Set([...found.containers, ...found.networks].map(([, , d]) => d).filter(Boolean));
  if (dir) dirs.add(dir);
  if (found.containers.length) await docker(['rm', '--force', '--volumes', ...found.containers.map(([name]) => name)]);
  for (const [name] of found.networks) await docker(['network', 'rm', name]);
  for (const d of dirs) removeLabDir(d);
  if (!quiet) process.stderr.write(`kubeadm test hosts ${prefix}: removed ${found.containers.length} host(s), ${found.networks.length} network(s)${dirs.size ? `, ${[...dirs].join(', ')}` : ''}\n`);
}

// ---------------------------------------------------------------- main

async function main(argv) {
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return void process.stdout.write(`${USAGE}\n`);
  const o = parseArgs(argv);
  if (o.verb === 'up') await up(o);
  else await down(o.prefix);
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(err instanceof UsageError ? `${err.message}\n${USAGE}\n` : `kubeadm-test-hosts: ${err instanceof LabError ? err.message : err.stack}\n`);
  process.exitCode = err instanceof UsageError ? 2 : 1;
});
