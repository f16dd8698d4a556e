import { CLUSTER_LABEL, ROLE_LABEL, type KindRole } from './config.js';

/** The kind and docker commands of the kind lab, as argv (pure, tested as tables). */

export function kindCreateArgv(o: { name: string; config: string; waitFor: string; kindImage?: string }): string[] {
  return ['kind', 'create', 'cluster', '--name', o.name, '--config', o.config, ...(o.kindImage ? ['--image', o.kindImage] : []), '--wait', o.waitFor];
}

export const kindDeleteArgv = (name: string): string[] => ['kind', 'delete', 'cluster', '--name', name];
export const kindGetClustersArgv = (): string[] => ['kind', 'get', 'clusters'];
export const kindGetKubeconfigArgv = (name: string): string[] => ['kind', 'get', 'kubeconfig', '--name', name];

/** `kind get clusters` prints one name a line (and "No kind clusters found." on stderr when none). */
export function parseClusters(stdout: string): string[] {
  return stdout.split('\n').map((l) => l.trim()).filter((l) => l && !/^no kind clusters/i.test(l));
}

const PS_FORMAT = `{{.Names}}\t{{.Label "${ROLE_LABEL}"}}\t{{.State}}\t{{.ID}}`;

/** Every container of the cluster, stopped ones included: kind's label is the ownership mark. */
export function dockerPsArgv(cluster: string): string[] {
  return ['docker', 'ps', '--all', '--filter', `label=${CLUSTER_LABEL}=${cluster}`, '--format', PS_FORMAT];
}

export interface FoundNode {
  container: string;
  role: KindRole;
  running: boolean;
  /** docker's container ID (as `docker ps` prints it): a node made again has a new one. */
  id: string;
}

/** kind calls its load balancer's role `external-load-balancer`. Unknown roles are left out. */
export function parsePs(stdout: string): FoundNode[] {
  const out: FoundNode[] = [];
  for (const line of stdout.split('\n')) {
    const [container, role, state, id = ''] = line.trim().split('\t');
    if (!container || !role) continue;
    const r: KindRole | undefined =
      role === 'control-plane' ? 'control-plane' : role === 'worker' ? 'worker' : role === 'external-load-balancer' ? 'load-balancer' : undefined;
    if (r) out.push({ container, role: r, running: state === 'running', id });
  }
  return out.sort((a, b) => a.container.localeCompare(b.container, 'en', { numeric: true }));
}

/** A node's labels and IP on the kind network, in one call. */
export function dockerInspectNodeArgv(container: string, network: string): string[] {
  return [
    'docker', 'container', 'inspect', '--format',
    `{{index .Config.Labels "${CLUSTER_LABEL}"}}|{{index .Config.Labels "${ROLE_LABEL}"}}|{{.State.Running}}|{{with index .NetworkSettings.Networks "${network}"}}{{.IPAddress}}{{end}}`,
    container,
  ];
}

export interface InspectedNode {
  cluster: string;
  role: string;
  running: boolean;
  ip: string;
}

export function parseInspectNode(stdout: string): InspectedNode {
  const [cluster = '', role = '', running = '', ip = ''] = stdout.trim().split('|');
  const clean = (s: string) => (s === '<no value>' ? '' : s);
  return { cluster: clean(cluster), role: clean(role), running: running === 'true', ip: clean(ip) };
}
