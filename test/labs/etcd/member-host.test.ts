import { describe, expect, it } from 'vitest';
import { restoreArgv, restoreUser } from '../../../src/labs/etcd/member-host.js';

const o = { name: 'l-control-plane', initialCluster: 'l-control-plane=https://10.200.1.11:2380', token: 't', peerURL: 'https://10.200.1.11:2380', dataDir: '/var/lib/etcd-restored-1' };

// The restored data dir lands in a host folder that kdrill then reads (to copy it into the node) and removes.
describe('the throwaway container of a snapshot restore', () => {
  it.each([
    ['local', 1000, 998, '1000:998'], // a docker-group user on a native engine: the files must be its own
    ['local', 0, 0, undefined],
    ['rootless', 1000, 1000, undefined], // the container's root is this user already
    ['desktop', 501, 20, undefined], // Docker Desktop maps ownership of bind mounts
    ['vm', 501, 20, undefined],
  ] as const)('on a %s engine, kdrill as uid %s: runs as %s', (host, uid, gid, user) => {
    expect(restoreUser(host, uid, gid)).toBe(user);
  });

  it('runs etcdctl snapshot restore as that user, into the host folder', () => {
    expect(restoreArgv('kdrill/etcd:3.4.23', '/tmp/r', '/s/snap.db', o, '1000:998')).toEqual([
      'docker', 'run', '--rm', '--network', 'none', '--user', '1000:998',
      '--volume', '/s/snap.db:/snapshot.db:ro', '--volume', '/tmp/r:/restore',
      '--entrypoint', 'etcdctl', '--env', 'ETCDCTL_API=3', 'kdrill/etcd:3.4.23',
      'snapshot', 'restore', '/snapshot.db', '--name', 'l-control-plane', '--initial-cluster', 'l-control-plane=https://10.200.1.11:2380',
      '--initial-cluster-token', 't', '--initial-advertise-peer-urls', 'https://10.200.1.11:2380', '--data-dir', '/restore/var/lib/etcd-restored-1',
    ]);
    expect(restoreArgv('kdrill/etcd:3.4.23', '/tmp/r', '/s/snap.db', o, undefined)).not.toContain('--user');
  });
});
