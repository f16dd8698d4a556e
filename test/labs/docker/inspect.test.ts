import { describe, expect, it } from 'vitest';
import { parseInspect } from '../../../src/labs/docker/inspect.js';

const raw = (hostConfig?: object) => ({
  Name: '/l-control-plane', State: { Status: 'exited', Running: false, Paused: false, ExitCode: 0 },
  Config: { Labels: null, Image: 'kdrill/etcd:3.4.23' }, NetworkSettings: { Networks: null }, ...(hostConfig ? { HostConfig: hostConfig } : {}),
});

// An adopting run reads each member's client port back from docker: from the port bindings the
// container was created with, which a stopped or partitioned container keeps.
describe('published ports from docker inspect', () => {
  it.each([
    [{ PortBindings: { '2379/tcp': [{ HostIp: '127.0.0.1', HostPort: '23784' }] } }, { '2379/tcp': 23784 }],
    [{ PortBindings: { '2379/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } }, {}], // docker picks one at each start: none fixed
    [{ PortBindings: { '2379/tcp': null } }, {}],
    [{ PortBindings: null }, {}],
    [undefined, {}],
  ])('%j → %j', (hostConfig, ports) => {
    expect(parseInspect(raw(hostConfig)).hostPorts).toEqual(ports);
  });
});
