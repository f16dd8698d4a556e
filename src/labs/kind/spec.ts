import { z } from 'zod';
import { duration, lowercaseName } from '../../drill/schema.js';
import { imageRef } from '../docker/image.js';

export const kindSpecSchema = z.strictObject({
  provider: z.literal('kind'),
  // kind's own rule is [a-z0-9.-]+; a node's host name <name>-control-plane2 must fit in 63 characters.
  name: lowercaseName(48, 'its nodes are named <name>-control-plane2, a host name of at most 63', 'bookstore-ha').default('bookstore-ha')
    .describe('The kind cluster name (kind create cluster --name); node containers are <name>-control-plane, …'),
  config: z.string().min(1).default('../../clusters/kind-ha-3cp.yaml')
    .describe('The kind Cluster config, relative to the drill file (3 control-plane + 2 workers in the chapter)'),
  reuse: z.boolean().default(false).describe('Adopt an existing cluster of this name instead of creating one (it is then never deleted)'),
  keep: z.boolean().default(false).describe('Leave the cluster this run created running after the drill'),
  kindImage: imageRef.optional().describe('Node image, e.g. kindest/node:v1.31.0 (kind create cluster --image)'),
  waitFor: duration.default('5m').describe('How long kind waits for the control plane to be ready (--wait)'),
  etcdAccess: z.enum(['auto', 'direct', 'exec']).default('auto')
    .describe('direct: etcd client on node IPs (a native docker engine on Linux); exec: etcdctl through docker exec + crictl (Docker Desktop, rootless docker, a remote docker host); auto: direct on a native engine, exec elsewhere'),
});

export type KindSpec = z.output<typeof kindSpecSchema>;
