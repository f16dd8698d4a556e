import path from 'node:path';
import { prettyCommand } from '../../exec/errors.js';
import type { EtcdTools } from '../../clients/etcd/access.js';
import type { EtcdctlHost } from '../../clients/etcd/etcdctl.js';
import { ETCDCTL_LOCAL } from '../kubeadm-layout.js';
import type { NodeShell } from '../types.js';

/** `etcdctl snapshot status` in a throwaway container of the lab's etcd image (local: no pull, the host needs no etcdctl). */
export function snapshotStatusArgv(file: string, image: string): string[] {
  return [
    'docker', 'run', '--rm', '--network', 'none',
    '--volume', `${path.resolve(file)}:/snapshot.db:ro`,
    '--entrypoint', 'etcdctl', '--env', 'ETCDCTL_API=3',
    image, 'snapshot', 'status', '/snapshot.db', '--write-out', 'json',
  ];
}

/** etcdctl through `docker exec` (etcdAccess: exec): the lab's image has it on PATH. */
export function etcdctlInNodes(shell: NodeShell): EtcdctlHost {
  return {
    argv: (node, args) => shell.argv(node, ['etcdctl', ...ETCDCTL_LOCAL, ...args]),
    run: (ctx, node, args, opts) => shell.exec(ctx, node, ['etcdctl', ...ETCDCTL_LOCAL, ...args], { timeoutMs: opts.timeoutMs, allowFailure: true, input: opts.input }),
    async fetch(ctx, node, name, use, hostFile) {
      const inNode = `/var/lib/${name}`;
      try {
        await use(inNode);
        await shell.copyOut(ctx, node, inNode, hostFile);
      } finally {
        await shell.exec(ctx, node, ['rm', '-f', inNode], { timeoutMs: 15_000, allowFailure: true }).catch(() => undefined);
      }
    },
  };
}

/** The etcd lab's tools: its own image, which every lab up has checked is there. */
export function imageTools(image: string): EtcdTools {
  return {
    // Runs to its end on a Ctrl-C: a `docker run --rm` cut short between create and start is left
    // behind as a created container, without the lab's label (found after the kept-lab soaks).
    snapshotStatus: (ctx, file) => ctx.runner.run(snapshotStatusArgv(file, image), { signal: ctx.signal, timeout: 60_000, allowFailure: true, finishOnAbort: true }),
    planSnapshotStatus: (file) => [prettyCommand(snapshotStatusArgv(file, image))],
  };
}
