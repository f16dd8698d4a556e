import { createHash } from 'node:crypto';
import net from 'node:net';
import { LabError } from '../../engine/errors.js';
import { ETCD_CLIENT_PORT } from '../kubeadm-layout.js';

/**
 * Every member's etcd client port, published on the host's 127.0.0.1 (`etcdAccess: published`,
 * what Docker Desktop and rootless docker forward to the host). Published by every lab whatever its
 * access, so that a kept lab can be adopted by a run that reaches it another way.
 *
 * kdrill picks the host ports, once, at create: with `-p 127.0.0.1::2379` docker gives a new port on
 * every `docker start` and every `network connect` (measured on docker 20.10), so a restarted or
 * healed member would move. A fixed port comes back with its member, and a disconnected member's
 * port closes with its network, as its IP does: a partition cuts it off from kdrill in both modes.
 * The ports are below Linux's ephemeral range (32768–60999), where docker and the kernel pick
 * theirs, at a place hashed from the lab name; docker keeps them in the container's port bindings,
 * which is where an adopting run reads them back.
 */

/** The key of the client port in docker's port bindings. */
export const CLIENT_PORT_KEY = `${ETCD_CLIENT_PORT}/tcp`;
const FIRST = 20_000;
const LAST = 32_767;
/** Ports a lab takes: one a member, 7 members at most. */
const BLOCK = 8;

/** Blocks of host ports to try, in order: the first starts at a hash of the lab name. */
export function clientPortCandidates(lab: string, members: number, count = 16): number[][] {
  const blocks = Math.floor((LAST - FIRST + 1) / BLOCK);
  const h = createHash('sha256').update(lab).digest().readUInt16BE(0);
  return Array.from({ length: count }, (_, i) => {
    const base = FIRST + ((h + i * 97) % blocks) * BLOCK;
    return Array.from({ length: members }, (_, k) => base + k);
  });
}

/** `--publish` of a member's client port on the host's loopback only. */
export const publishArgv = (port: number): string[] => ['--publish', `127.0.0.1:${port}:${ETCD_CLIENT_PORT}`];

/** True when nothing on this machine listens on 127.0.0.1:port (docker's port proxies included). */
function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The first block of candidate ports that are all free on this machine's loopback. */
export async function freeClientPorts(lab: string, members: number): Promise<number[]> {
  for (const ports of clientPortCandidates(lab, members)) {
    if ((await Promise.all(ports.map(free))).every(Boolean)) return ports;
  }
  throw new LabError(`no ${members} free ports on 127.0.0.1 for the members' client ports among 16 candidates in ${FIRST}–${LAST}`);
}
