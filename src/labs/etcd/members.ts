import { prettyCommand } from '../../exec/errors.js';
import type { LabNode } from '../types.js';
import { publishArgv } from './client-ports.js';
import { CONFIG_FILE } from './config.js';
import { OWNER_LABEL, SHAPE_LABEL } from './spec.js';

/** The docker commands of one member's container, shaped like a kind control-plane node. */

export interface MemberContainer {
  lab: string;
  node: LabNode;
  network: string;
  ip: string;
  /** The host port its client port is published on (127.0.0.1). */
  port: number;
  image: string;
  shape: string;
}

export function createArgv(m: MemberContainer): string[] {
  return [
    'docker', 'create', '--name', m.node.container, '--hostname', m.node.container,
    '--network', m.network, '--ip', m.ip, ...publishArgv(m.port),
    '--label', `io.x-k8s.kind.cluster=${m.lab}`, '--label', `io.x-k8s.kind.role=${m.node.role}`,
    '--label', `${OWNER_LABEL}=${m.lab}`, '--label', `${SHAPE_LABEL}=${m.shape}`,
    // SIGTERM (docker's default) so that `node.stop` lets a leader hand over; a PID-1 etcd honours it.
    '--stop-signal', 'SIGTERM',
    m.image,
    // By PATH: /usr/bin in kdrill's image, /usr/local/bin in registry.k8s.io/etcd.
    'etcd', '--config-file', CONFIG_FILE,
  ];
}

/** Copies /etc/kubernetes (pki + etcd.yaml) in; works on a created or stopped container too. */
export const copyInArgv = (folder: string, container: string): string[] => ['docker', 'cp', `${folder}/.`, `${container}:/etc/kubernetes`];

/** Copies the PKI out of a control-plane node, as one does on kind. */
export const copyOutArgv = (container: string, stateDir: string): string[] => ['docker', 'cp', `${container}:/etc/kubernetes/pki`, stateDir];

export const startArgv = (containers: string[]): string[] => ['docker', 'start', ...containers];

export const removeArgv = (containers: string[]): string[] => ['docker', 'rm', '--force', '--volumes', ...containers];

export function planMember(m: MemberContainer, folder: string): string[] {
  return [prettyCommand(createArgv(m)), prettyCommand(copyInArgv(folder, m.node.container))];
}
