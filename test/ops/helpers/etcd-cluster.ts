import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { CommandRunner } from '../../../src/exec/runner.js';
import { createContext } from '../../../src/engine/context.js';
import { EventBus } from '../../../src/engine/events.js';
import type { Context } from '../../../src/engine/types.js';
import type { Lab } from '../../../src/labs/types.js';
import { EtcdAccess, type EtcdMember } from '../../../src/clients/etcd/access.js';
import { DockerNodes, DockerShell } from '../../../src/labs/docker/index.js';
import { EtcdLabMembers } from '../../../src/labs/etcd/member-host.js';
import { imageTools } from '../../../src/labs/etcd/tools.js';

/**
 * A real 3-member etcd cluster in docker for the ops tests, shaped like the etcd lab (kind-like
 * names, the lab label, `etcd --config-file /etc/kubernetes/etcd.yaml`, fixed IPs) but plain HTTP,
 * so these tests do not depend on the lab provider. The Lab object is a thin test lab around it.
 */
export const ETCD_IMAGE = process.env.KDRILL_ETCD_IMAGE ?? 'kdrill/etcd:3.4.23';

export function hasImage(image: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', image], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export interface TestCluster {
  lab: Lab;
  members: EtcdMember[];
  ctx(step?: string): Context;
  events: EventBus;
  runDir: string;
  down(): void;
}

export function startCluster(name: string, opts: { size?: number; quotaBytes?: number; octet: number }): TestCluster {
  const size = opts.size ?? 3;
  const net = `${name}-net`;
  const subnet = `10.231.${opts.octet}`;
  docker('network', 'create', '--subnet', `${subnet}.0/24`, net);
  const nodes = Array.from({ length: size }, (_, i) => {
    const node = i === 0 ? 'control-plane' : `control-plane${i + 1}`;
    return { node, container: `${name}-${node}`, ip: `${subnet}.${10 + i}` };
  });
  const cluster = nodes.map((n) => `${n.container}=http://${n.ip}:2380`).join(',');
  const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-ops-cluster-'));
  for (const n of nodes) {
    const cfg = {
      name: n.container,
      'data-dir': '/var/lib/etcd',
      'listen-client-urls': `http://127.0.0.1:2379,http://${n.ip}:2379`,
      'advertise-client-urls': `http://${n.ip}:2379`,
      'listen-peer-urls': `http://${n.ip}:2380`,
      'initial-advertise-peer-urls': `http://${n.ip}:2380`,
      'initial-cluster': cluster,
      'initial-cluster-state': 'new',
      'initial-cluster-token': `${name}-token`,
      ...(opts.quotaBytes ? { 'quota-backend-bytes': opts.quotaBytes } : {}),
    };
    const file = path.join(dir, `${n.node}.yaml`);
    writeFileSync(file, stringify(cfg));
    docker('create', '--name', n.container, '--hostname', n.container, '--network', net, '--ip', n.ip,
      '--label', `dev.kdrill.lab=${name}`, '--label', `io.x-k8s.kind.cluster=${name}`, '--label', 'io.x-k8s.kind.role=control-plane',
      ETCD_IMAGE);
    docker('cp', file, `${n.container}:/etc/kubernetes/etcd.yaml`);
  }
  for (const n of nodes) docker('start', n.container);
  rmSync(dir, { recursive: true, force: true });
  const members: EtcdMember[] = nodes.map((n) => ({ node: n.node, container: n.container, url: `http://${n.ip}:2379` }));
  // Plain HTTP (no TLS), otherwise the lab's own access, node operations and member host.
  const etcd = new EtcdAccess({ members: () => members, tls: async () => undefined, tools: imageTools(ETCD_IMAGE) });
  const nodeOps = new DockerNodes({
    network: net, owner: { key: 'dev.kdrill.lab', value: name },
    container: (node) => { const n = nodes.find((x) => x.node === node || x.container === node); if (!n) throw new Error(`no node ${node}`); return n.container; },
  });
  const shell = new DockerShell(nodeOps);
  const runner = new CommandRunner();
  const env = { runner, signal: new AbortController().signal, log: () => {}, drillDir: process.cwd(), stateDir: dir };
  const lab: Lab = {
    provider: 'etcd', name, env, etcd, nodeOps, shell, members: new EtcdLabMembers(nodeOps, shell, () => ETCD_IMAGE),
    up: async () => ({ created: false }), down: async () => {},
    nodes: () => nodes.map((n) => ({ name: n.node, container: n.container, role: 'control-plane' as const })),
    planUp: () => [], planDown: () => [],
  };
  const events = new EventBus();
  const runDir = mkdtempSync(path.join(tmpdir(), 'kdrill-ops-run-'));
  const base = createContext({ runner, lab, events, signal: new AbortController().signal, runDir, drillDir: runDir });
  return {
    lab, members, events, runDir,
    ctx: (step) => base.withSignal(new AbortController().signal, step),
    down() {
      void etcd.close();
      execFileSync('docker', ['rm', '-f', '-v', ...nodes.map((n) => n.container)], { stdio: 'ignore' });
      execFileSync('docker', ['network', 'rm', net], { stdio: 'ignore' });
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}

export function measures(events: EventBus, step?: string): Record<string, number | string> {
  return Object.fromEntries(
    events.events.filter((e) => e.type === 'measure' && (step === undefined || e.step === step)).map((e) => [(e as { name: string }).name, (e as { value: number | string }).value]),
  );
}
