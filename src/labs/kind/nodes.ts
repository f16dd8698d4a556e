import { RefusedError } from '../../engine/errors.js';
import { DockerNodes } from '../docker/index.js';
import type { ShellContext } from '../types.js';
import type { ContainerInfo } from '../docker/inspect.js';
import type { LabNode } from '../types.js';
import { CLUSTER_LABEL, ROLE_LABEL, loadBalancerName } from './config.js';

/**
 * The etcd lab's node operations, on kind: kind's cluster label is the ownership mark, and the
 * external load balancer is refused by name and by role (stopping it takes every API server away
 * at once, and kind cannot bring it back as it was).
 */
export class KindNodes extends DockerNodes {
  constructor(readonly cluster: string, network: string, nodes: () => LabNode[], onIp?: (container: string, ip: string | undefined) => void) {
    super({
      network,
      owner: { key: CLUSTER_LABEL, value: cluster },
      // kind creates its network without an IPv4 subnet: docker refuses `connect --ip` there.
      reconnectWithIp: false,
      onIp,
      nodes: () => nodes().filter((x) => x.role !== 'load-balancer').map((x) => x.name),
      container(node) {
        if (node === 'external-load-balancer' || node === loadBalancerName(cluster)) throw refuseLb(loadBalancerName(cluster));
        const n = nodes().find((x) => x.name === node || x.container === node);
        if (!n) throw new Error(`kind cluster ${cluster} has no node "${node}" (nodes: ${nodes().filter((x) => x.role !== 'load-balancer').map((x) => x.name).join(', ')})`);
        if (n.role === 'load-balancer') throw refuseLb(n.container);
        return n.container;
      },
    });
  }

  override async inspect(ctx: ShellContext, node: string): Promise<ContainerInfo> {
    const info = await super.inspect(ctx, node);
    if (info.labels[ROLE_LABEL] === 'external-load-balancer') throw refuseLb(info.name);
    return info;
  }
}

function refuseLb(container: string): RefusedError {
  return new RefusedError(`${container} is the cluster's external load balancer: kdrill never stops it (it fronts every API server); pick a control-plane or worker node`);
}
