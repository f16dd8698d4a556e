import { describe, expect, it } from 'vitest';
import { DockerEngine, parseArgs, publishedPorts } from '../../src/exec/docker/engine.js';

// Which docker commands the Engine API serves; everything else must reach the real CLI untouched.
describe('docker command forms served by the Engine API', () => {
  const route = { flags: { '--time': ['time', 'value'], '--force': ['force', 'bool'], '--label': ['label', 'multi'] } as const, min: 1 };

  it.each([
    [['--time', '5', 'a'], { flags: { time: '5' }, rest: ['a'] }],
    [['--time=5', 'a', 'b'], { flags: { time: '5' }, rest: ['a', 'b'] }],
    [['--force', '--label', 'x=1', '--label', 'y=2', 'a'], { flags: { force: true, label: ['x=1', 'y=2'] }, rest: ['a'] }],
    [['--unknown', 'a'], undefined],
    [['--force=false', 'a'], undefined], // a bool with a value: the CLI's business
    [['a', '--force'], undefined], // a flag after the names
    [['--time'], undefined],
    [[], undefined],
  ])('parseArgs(%j)', (args, expected) => {
    expect(parseArgs(route as never, args)).toEqual(expected);
  });

  it('create: everything after the image is the command, flags included', () => {
    expect(parseArgs({ flags: { '--name': ['name', 'value'] }, min: 1, stopAtFirstPositional: true }, ['--name', 'n', 'img', 'etcd', '--config-file', 'x']))
      .toEqual({ flags: { name: 'n' }, rest: ['img', 'etcd', '--config-file', 'x'] });
  });

  it.each([
    [['127.0.0.1:23790:2379'], { exposed: { '2379/tcp': {} }, bindings: { '2379/tcp': [{ HostIp: '127.0.0.1', HostPort: '23790' }] } }],
    [['127.0.0.1::2379/tcp', '127.0.0.1:8053:53/udp'], {
      exposed: { '2379/tcp': {}, '53/udp': {} },
      bindings: { '2379/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '8053' }] },
    }],
    [[], { exposed: {}, bindings: {} }],
    // forms the CLI parses itself: no host address, a range, IPv6
    [['2379'], undefined], [['8080:80'], undefined], [['127.0.0.1:8000-8010:80'], undefined], [['[::1]:8080:80'], undefined],
  ])('--publish %j', (specs, expected) => {
    expect(publishedPorts(specs)).toEqual(expected);
  });

  it('leaves unknown forms, templates and an engine that does not answer to the CLI', async () => {
    const engine = DockerEngine.fromEnv({ DOCKER_HOST: 'unix:///nonexistent/kdrill-test.sock' })!;
    const signal = AbortSignal.timeout(5_000);
    for (const args of [
      ['exec', 'c', 'true'], ['run', '--rm', 'img'], ['logs', 'c'], ['version'],
      ['ps', '--all', '--format', '{{.ID}}'], ['container', 'inspect', '--format', '{{.State.Running}}', 'c'],
      ['cp', '-', 'c:/x'],
      ['start', 'c'], // a form it knows, but no engine on that socket: the CLI will say why
    ]) {
      expect(await engine.serve(args, signal), args.join(' ')).toBeUndefined();
    }
  });
});
