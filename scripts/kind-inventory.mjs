#!/usr/bin/env node
// Prints a kdrill inventory (kind: Inventory) for a kind cluster's nodes, so that the kubeadm lab can
// drill on it through `transport: docker`: kind's nodes are kubeadm nodes. Host names cp1, cp2, … in
// kind's node order (<name>-control-plane, <name>-control-plane2, …), each host's container the
// node, power driver `docker` on the same container, and the cluster's kubeconfig (kind get
// kubeconfig, written beside the inventory with --out, else to <name>.kubeconfig in the working folder).
//   node scripts/kind-inventory.mjs <cluster> [--out <inventory.yaml>]
// Only containers carrying io.x-k8s.kind.cluster=<cluster> are listed. argv only, no shell.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const [cluster, ...rest] = process.argv.slice(2);
if (!cluster || !/^[a-z0-9][a-z0-9.-]*$/.test(cluster)) {
  console.error('usage: node scripts/kind-inventory.mjs <cluster> [--out <inventory.yaml>]');
  process.exit(2);
}
const out = rest[0] === '--out' && rest[1] ? path.resolve(rest[1]) : undefined;
const ps = execFileSync('docker', ['ps', '--all', '--filter', `label=io.x-k8s.kind.cluster=${cluster}`, '--format', '{{.Names}}\t{{.Label "io.x-k8s.kind.role"}}'], { encoding: 'utf8' });
const order = (name) => Number(/control-plane(\d*)$/.exec(name)?.[1] || 1);
const cps = ps.split('\n').filter(Boolean).map((l) => l.split('\t')).filter(([, role]) => role === 'control-plane').map(([name]) => name).sort((a, b) => order(a) - order(b));
if (cps.length === 0) {
  console.error(`no control-plane node of a kind cluster named ${cluster} (docker ps --filter label=io.x-k8s.kind.cluster=${cluster})`);
  process.exit(1);
}
const kubeconfig = path.join(out ? path.dirname(out) : process.cwd(), `${cluster}.kubeconfig`);
writeFileSync(kubeconfig, execFileSync('kind', ['get', 'kubeconfig', '--name', cluster], { encoding: 'utf8' }), { mode: 0o600 });
const hosts = cps.map((c, i) => `  cp${i + 1}: {container: ${c}, power: {driver: docker, container: ${c}}}`);
const text = [
  `# kind cluster ${cluster} as a kdrill kubeadm inventory (scripts/kind-inventory.mjs): use it with transport: docker.`,
  'apiVersion: kdrill/v1',
  'kind: Inventory',
  `kubeconfig: ${JSON.stringify(kubeconfig)}`,
  'hosts:',
  ...hosts,
  'groups:',
  `  kube_control_plane: [${cps.map((_, i) => `cp${i + 1}`).join(', ')}]`,
  '',
].join('\n');
if (out) writeFileSync(out, text);
else process.stdout.write(text);
