import path from 'node:path';
import { prettyCommand } from '../../exec/errors.js';
import type { EtcdTools } from '../../clients/etcd/access.js';

/** `etcdctl snapshot status` in a throwaway container of the lab's etcd image (local: no pull, the host needs no etcdctl). */
export function snapshotStatusArgv(file: string, image: string): string[] {
  return [
    'docker', 'run', '--rm', '--network', 'none',
    '--volume', `${path.resolve(file)}:/snapshot.db:ro`,
    '--entrypoint', 'etcdctl', '--env', 'ETCDCTL_API=3',
    image, 'snapshot', 'status', '/snapshot.db', '--write-out', 'json',
  ];
}

/** The etcd lab's tools: its own image, which every lab up has checked is there. */
export function imageTools(image: string): EtcdTools {
  return {
    snapshotStatus: (ctx, file) => ctx.runner.run(snapshotStatusArgv(file, image), { signal: ctx.signal, timeout: 60_000, allowFailure: true }),
    planSnapshotStatus: (file) => [prettyCommand(snapshotStatusArgv(file, image))],
  };
}
