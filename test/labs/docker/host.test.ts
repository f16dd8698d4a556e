import { describe, expect, it } from 'vitest';
import { dockerHostKind } from '../../../src/labs/docker/host.js';
import { dockerConfigDir } from '../../helpers/docker-config.js';

/** A docker config folder whose current context is `name`, on `host`. */
const context = (name: string, host: string): string => dockerConfigDir(name, { [name]: host });

// Where the containers run decides whether their IPs answer here (etcd lab: auto; kind: auto).
describe('the docker host kdrill talks to, as far as reaching containers goes', () => {
  it.each([
    [{ DOCKER_HOST: 'unix:///var/run/docker.sock' }, 'linux', 'local', 'docker host unix:///var/run/docker.sock'],
    [{ DOCKER_HOST: 'tcp://127.0.0.1:2375' }, 'linux', 'local', 'docker host tcp://127.0.0.1:2375'],
    [{ DOCKER_HOST: 'unix:///var/run/docker.sock' }, 'darwin', 'vm', 'docker host unix:///var/run/docker.sock on darwin: containers in a VM'],
    [{ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, 'linux', 'rootless', 'docker host unix:///run/user/1000/docker.sock: rootless docker'],
    [{ DOCKER_HOST: 'unix:///tmp/xdg/docker.sock', XDG_RUNTIME_DIR: '/tmp/xdg' }, 'linux', 'rootless', 'docker host unix:///tmp/xdg/docker.sock: rootless docker'],
    [{ DOCKER_HOST: 'ssh://me@build-box' }, 'linux', 'remote', 'docker host ssh://me@build-box: a remote docker host'],
    [{ DOCKER_HOST: 'tcp://10.1.2.3:2376' }, 'darwin', 'remote', 'docker host tcp://10.1.2.3:2376: a remote docker host'],
    [{ DOCKER_HOST: 'npipe:////./pipe/dockerDesktopLinuxEngine' }, 'win32', 'desktop', 'docker host npipe:////./pipe/dockerDesktopLinuxEngine: Docker Desktop'],
    [{ DOCKER_CONFIG: context('desktop-linux', 'unix:///Users/me/.docker/run/docker.sock') }, 'darwin', 'desktop',
      'docker context desktop-linux (unix:///Users/me/.docker/run/docker.sock): Docker Desktop'],
    [{ DOCKER_CONFIG: context('desktop-linux', 'unix:///home/me/.docker/desktop/docker.sock') }, 'linux', 'desktop',
      'docker context desktop-linux (unix:///home/me/.docker/desktop/docker.sock): Docker Desktop'],
    [{ DOCKER_CONFIG: context('rootless', 'unix:///run/user/1001/docker.sock') }, 'linux', 'rootless',
      'docker context rootless (unix:///run/user/1001/docker.sock): rootless docker'],
  ] as const)('%j on %s: %s', (env, platform, kind, words) => {
    expect(dockerHostKind(env, platform)).toEqual({ kind, words });
  });
});
