import { describe, expect, it } from 'vitest';
import { parseHost, resolveEndpoint } from '../../src/exec/docker/endpoint.js';
import { DockerEngine } from '../../src/exec/docker/engine.js';
import { dockerConfigDir as configDir } from '../helpers/docker-config.js';

describe('which engine the docker CLI would talk to', () => {
  it.each([
    ['unix:///var/run/docker.sock', undefined, { socketPath: '/var/run/docker.sock' }],
    ['unix:///run/user/1000/docker.sock', undefined, { socketPath: '/run/user/1000/docker.sock' }],
    ['tcp://127.0.0.1:2375', undefined, { host: '127.0.0.1', port: 2375 }],
    ['tcp://127.0.0.1:2376', '1', undefined],
    ['ssh://me@host', undefined, undefined],
    ['npipe:////./pipe/docker_engine', undefined, undefined],
  ])('DOCKER_HOST=%s (TLS verify %s)', (host, tls, expected) => {
    expect(parseHost(host, tls)).toEqual(expected);
  });

  it('DOCKER_HOST first, then DOCKER_CONTEXT, then the config file\'s current context, then the default socket', () => {
    const cfg = configDir('desktop', { desktop: 'unix:///home/me/.docker/run/docker.sock', colima: 'unix:///home/me/.colima/docker.sock' });
    expect(resolveEndpoint({ DOCKER_CONFIG: cfg })).toEqual({ socketPath: '/home/me/.docker/run/docker.sock' });
    expect(resolveEndpoint({ DOCKER_CONFIG: cfg, DOCKER_CONTEXT: 'colima' })).toEqual({ socketPath: '/home/me/.colima/docker.sock' });
    expect(resolveEndpoint({ DOCKER_CONFIG: cfg, DOCKER_HOST: 'unix:///x.sock' })).toEqual({ socketPath: '/x.sock' });
    expect(resolveEndpoint({ DOCKER_CONFIG: configDir(undefined, {}) })).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(resolveEndpoint({ DOCKER_CONFIG: configDir('default', {}) })).toEqual({ socketPath: '/var/run/docker.sock' });
    // A context the CLI would not find either: left to the CLI, which says so.
    expect(resolveEndpoint({ DOCKER_CONFIG: cfg, DOCKER_CONTEXT: 'gone' })).toBeUndefined();
  });

  it('KDRILL_DOCKER=cli sends every docker command to the CLI', () => {
    expect(DockerEngine.fromEnv({ KDRILL_DOCKER: 'cli' })).toBeUndefined();
    expect(DockerEngine.fromEnv({ DOCKER_HOST: 'ssh://me@host' })).toBeUndefined();
    expect(DockerEngine.fromEnv({ DOCKER_HOST: 'unix:///var/run/docker.sock' })).toBeInstanceOf(DockerEngine);
  });
});
