import { copyFromContainer, copyToContainer, CopyError, parseCpArg } from './copy.js';
import { resolveEndpoint, type EndpointEnv } from './endpoint.js';
import { daemonMessage, EngineHttp, LeaveToCli, type EngineResponse } from './http.js';

/**
 * The docker commands kdrill uses most, served by the Docker Engine API instead of a docker CLI
 * process: same daemon, same effect, same output and exit code as the CLI would give, in about a
 * millisecond of kdrill's time. The argv stays what the drill, the journal, --dry-run and error
 * messages show. A form not listed here (`docker exec`, `docker run`, a --format template) is
 * left to the CLI, and so is any command when KDRILL_DOCKER=cli or no local engine is reachable.
 */

export interface EngineResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

type Flags = Record<string, string | boolean | string[]>;
type FlagKind = 'value' | 'bool' | 'multi';

interface Route {
  flags: Record<string, [name: string, kind: FlagKind]>;
  /** Positional arguments needed (at least). */
  min: number;
  /** `create`: everything after the image is the container's command, flags included. */
  stopAtFirstPositional?: boolean;
  serve(api: Api, flags: Flags, args: string[]): Promise<EngineResult | undefined>;
}

interface Api {
  call(method: string, path: string, body?: unknown): Promise<EngineResponse>;
  http: EngineHttp;
  signal: AbortSignal;
}

const ok = (stdout = ''): EngineResult => ({ exitCode: 0, stdout, stderr: '' });
const failed = (stderr: string): EngineResult => ({ exitCode: 1, stdout: '', stderr: stderr.endsWith('\n') ? stderr : `${stderr}\n` });
const fromDaemon = (res: EngineResponse): string => `Error response from daemon: ${daemonMessage(res)}`;
const q = encodeURIComponent;
const json = (v: unknown): string => `${JSON.stringify(v, null, 4)}\n`;

/** `--label k=v` flags as the API's Labels; `--label k` is an empty value, as with the CLI. */
function labelsOf(f: Flags): Record<string, string> {
  const pairs = ((f.label as string[] | undefined) ?? []).map((l) => {
    const eq = l.indexOf('=');
    return eq < 0 ? [l, ''] : [l.slice(0, eq), l.slice(eq + 1)];
  });
  return Object.fromEntries(pairs);
}

/**
 * `--publish 127.0.0.1:8080:80[/tcp]` as the API's ExposedPorts and PortBindings; undefined for
 * the forms left to the CLI (ranges, IPv6 addresses, no host address).
 */
export function publishedPorts(specs: string[]): { exposed: Record<string, object>; bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> } | undefined {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const spec of specs) {
    const m = /^(\d+\.\d+\.\d+\.\d+):(\d*):(\d+)(?:\/(tcp|udp))?$/.exec(spec);
    if (!m) return undefined;
    const port = `${m[3]}/${m[4] ?? 'tcp'}`;
    exposed[port] = {};
    (bindings[port] ??= []).push({ HostIp: m[1]!, HostPort: m[2]! });
  }
  return { exposed, bindings };
}

/** `docker start a b`: each in turn; the CLI prints the names it managed and the errors of the rest. */
function eachContainer(verb: string, request: (api: Api, name: string, flags: Flags) => [string, string], accept: number[] = [204, 304], notFoundOk?: (f: Flags) => boolean): Route['serve'] {
  return async (api, flags, names) => {
    let stdout = '';
    const errors: string[] = [];
    for (const name of names) {
      const [method, path] = request(api, name, flags);
      const res = await api.call(method, path);
      if (accept.includes(res.status) || (res.status === 404 && notFoundOk?.(flags))) stdout += `${name}\n`;
      else errors.push(fromDaemon(res));
    }
    if (errors.length === 0) return ok(stdout);
    return { exitCode: 1, stdout, stderr: `${errors.join('\n')}\nError: failed to ${verb} containers: ${names.join(', ')}\n` };
  };
}

const routes: Record<string, Route> = {
  'container inspect': {
    flags: {}, min: 1,
    async serve(api, _f, names) {
      const found: unknown[] = [];
      const missing: string[] = [];
      for (const name of names) {
        const res = await api.call('GET', `/containers/${q(name)}/json`);
        if (res.status === 200) found.push(JSON.parse(res.body.toString('utf8')));
        else if (res.status === 404) missing.push(`Error: No such container: ${name}`);
        else return failed(fromDaemon(res));
      }
      return { exitCode: missing.length ? 1 : 0, stdout: json(found), stderr: missing.map((m) => `${m}\n`).join('') };
    },
  },
  ps: {
    flags: { '--all': ['all', 'bool'], '-a': ['all', 'bool'], '--filter': ['filter', 'multi'], '-f': ['filter', 'multi'], '--format': ['format', 'value'] },
    min: 0,
    async serve(api, f) {
      if (f.format !== '{{.Names}}') return undefined;
      const filters: Record<string, string[]> = {};
      for (const spec of (f.filter as string[] | undefined) ?? []) {
        const eq = spec.indexOf('=');
        (filters[spec.slice(0, eq)] ??= []).push(spec.slice(eq + 1));
      }
      const res = await api.call('GET', `/containers/json?all=${f.all ? 1 : 0}&filters=${q(JSON.stringify(filters))}`);
      if (res.status !== 200) return failed(fromDaemon(res));
      const list = JSON.parse(res.body.toString('utf8')) as Array<{ Names: string[] }>;
      return ok(list.map((c) => `${(c.Names[0] ?? '').replace(/^\//, '')}\n`).join(''));
    },
  },
  start: { flags: {}, min: 1, serve: eachContainer('start', (_a, n) => ['POST', `/containers/${q(n)}/start`]) },
  stop: {
    flags: { '--time': ['time', 'value'], '-t': ['time', 'value'] }, min: 1,
    serve: eachContainer('stop', (_a, n, f) => ['POST', `/containers/${q(n)}/stop${f.time !== undefined ? `?t=${q(String(f.time))}` : ''}`]),
  },
  kill: {
    flags: { '--signal': ['signal', 'value'], '-s': ['signal', 'value'] }, min: 1,
    serve: eachContainer('kill', (_a, n, f) => ['POST', `/containers/${q(n)}/kill${f.signal ? `?signal=${q(String(f.signal))}` : ''}`]),
  },
  pause: { flags: {}, min: 1, serve: eachContainer('pause', (_a, n) => ['POST', `/containers/${q(n)}/pause`]) },
  unpause: { flags: {}, min: 1, serve: eachContainer('unpause', (_a, n) => ['POST', `/containers/${q(n)}/unpause`]) },
  rm: {
    flags: { '--force': ['force', 'bool'], '-f': ['force', 'bool'], '--volumes': ['volumes', 'bool'], '-v': ['volumes', 'bool'] }, min: 1,
    // Like the CLI since 23.0, `rm --force` of a container that is not there is not an error.
    serve: eachContainer('remove', (_a, n, f) => ['DELETE', `/containers/${q(n)}?force=${f.force ? 1 : 0}&v=${f.volumes ? 1 : 0}`], [204], (f) => f.force === true),
  },
  create: {
    flags: {
      '--name': ['name', 'value'], '--hostname': ['hostname', 'value'], '--network': ['network', 'value'], '--ip': ['ip', 'value'],
      '--label': ['label', 'multi'], '--stop-signal': ['stopSignal', 'value'], '--publish': ['publish', 'multi'], '-p': ['publish', 'multi'],
    },
    min: 1, stopAtFirstPositional: true,
    async serve(api, f, [image, ...cmd]) {
      const labels = labelsOf(f);
      const network = f.network as string | undefined;
      const ports = publishedPorts((f.publish as string[] | undefined) ?? []);
      if (!ports) return undefined;
      const body = {
        Image: image, Cmd: cmd.length ? cmd : undefined, Hostname: f.hostname, Labels: labels, StopSignal: f.stopSignal,
        AttachStdout: true, AttachStderr: true, ExposedPorts: ports.exposed,
        HostConfig: { ...(network ? { NetworkMode: network } : {}), PortBindings: ports.bindings },
        NetworkingConfig: network ? { EndpointsConfig: { [network]: f.ip ? { IPAMConfig: { IPv4Address: f.ip } } : {} } } : undefined,
      };
      const res = await api.call('POST', `/containers/create${f.name ? `?name=${q(String(f.name))}` : ''}`, body);
      // An image that is not here yet: the CLI pulls it first.
      if (res.status === 404 && /no such image/i.test(daemonMessage(res))) return undefined;
      if (res.status !== 201) return failed(fromDaemon(res));
      return ok(`${(JSON.parse(res.body.toString('utf8')) as { Id: string }).Id}\n`);
    },
  },
  cp: {
    flags: {}, min: 2,
    async serve(api, _f, [from, to]) {
      if (from === '-' || to === '-') return undefined;
      const src = parseCpArg(from!);
      const dest = parseCpArg(to!);
      try {
        if ('local' in src && 'container' in dest) await copyToContainer(api.http, src.local, dest.container, dest.path, api.signal);
        else if ('container' in src && 'local' in dest) await copyFromContainer(api.http, src.container, src.path, dest.local, api.signal);
        else return undefined;
      } catch (err) {
        if (err instanceof CopyError) return failed(`Error response from daemon: ${err.message}`);
        throw err;
      }
      return ok();
    },
  },
  'network inspect': {
    flags: {}, min: 1,
    async serve(api, _f, names) {
      const found: unknown[] = [];
      for (const name of names) {
        const res = await api.call('GET', `/networks/${q(name)}`);
        if (res.status === 404) return { exitCode: 1, stdout: json(found), stderr: `Error: No such network: ${name}\n` };
        if (res.status !== 200) return failed(fromDaemon(res));
        found.push(JSON.parse(res.body.toString('utf8')));
      }
      return ok(json(found));
    },
  },
  'network create': {
    flags: { '--driver': ['driver', 'value'], '-d': ['driver', 'value'], '--subnet': ['subnet', 'value'], '--gateway': ['gateway', 'value'], '--label': ['label', 'multi'] },
    min: 1,
    async serve(api, f, [name]) {
      const labels = labelsOf(f);
      const config = f.subnet ? [{ Subnet: f.subnet, ...(f.gateway ? { Gateway: f.gateway } : {}) }] : [];
      const res = await api.call('POST', '/networks/create', {
        Name: name, Driver: f.driver ?? 'bridge', CheckDuplicate: true, Labels: labels, IPAM: { Driver: 'default', Config: config },
      });
      if (res.status !== 201) return failed(fromDaemon(res));
      return ok(`${(JSON.parse(res.body.toString('utf8')) as { Id: string }).Id}\n`);
    },
  },
  'network rm': {
    flags: {}, min: 1,
    async serve(api, _f, names) {
      let stdout = '';
      for (const name of names) {
        const res = await api.call('DELETE', `/networks/${q(name)}`);
        if (res.status !== 204) return { exitCode: 1, stdout, stderr: `${fromDaemon(res)}\n` };
        stdout += `${name}\n`;
      }
      return ok(stdout);
    },
  },
  'network connect': {
    flags: { '--ip': ['ip', 'value'] }, min: 2,
    async serve(api, f, [network, container]) {
      const res = await api.call('POST', `/networks/${q(network!)}/connect`, {
        Container: container, EndpointConfig: f.ip ? { IPAMConfig: { IPv4Address: f.ip } } : {},
      });
      return res.status === 200 ? ok() : failed(fromDaemon(res));
    },
  },
  'network disconnect': {
    flags: { '--force': ['force', 'bool'], '-f': ['force', 'bool'] }, min: 2,
    async serve(api, f, [network, container]) {
      const res = await api.call('POST', `/networks/${q(network!)}/disconnect`, { Container: container, Force: f.force === true });
      return res.status === 200 ? ok() : failed(fromDaemon(res));
    },
  },
  'image inspect': {
    flags: { '--format': ['format', 'value'], '-f': ['format', 'value'] }, min: 1,
    async serve(api, f, names) {
      if (f.format !== undefined && f.format !== '{{.Id}}') return undefined;
      const found: Array<{ Id: string }> = [];
      for (const name of names) {
        const res = await api.call('GET', `/images/${q(name)}/json`);
        if (res.status === 404) return { exitCode: 1, stdout: '', stderr: `Error: No such image: ${name}\n` };
        if (res.status !== 200) return failed(fromDaemon(res));
        found.push(JSON.parse(res.body.toString('utf8')) as { Id: string });
      }
      return ok(f.format ? found.map((i) => `${i.Id}\n`).join('') : json(found));
    },
  },
};

/** Flags first, then positionals; undefined for any flag the route does not know (the CLI takes those). */
export function parseArgs(route: Pick<Route, 'flags' | 'min' | 'stopAtFirstPositional'>, args: string[]): { flags: Flags; rest: string[] } | undefined {
  const flags: Flags = {};
  let i = 0;
  for (; i < args.length && args[i]!.startsWith('-'); i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const key = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    const spec = route.flags[key];
    if (!spec) return undefined;
    const [name, kind] = spec;
    if (kind === 'bool') {
      if (eq > 0) return undefined;
      flags[name] = true;
      continue;
    }
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) return undefined;
    if (kind === 'multi') ((flags[name] ??= []) as string[]).push(value);
    else flags[name] = value;
  }
  const rest = args.slice(i);
  if (rest.length < route.min) return undefined;
  if (!route.stopAtFirstPositional && rest.some((a) => a.startsWith('-'))) return undefined;
  return { flags, rest };
}

export class DockerEngine {
  private readonly http: EngineHttp;

  private constructor(http: EngineHttp) {
    this.http = http;
  }

  /** The local engine the CLI would use, or undefined (KDRILL_DOCKER=cli, ssh://, TLS). */
  static fromEnv(env: EndpointEnv & { KDRILL_DOCKER?: string } = process.env): DockerEngine | undefined {
    if (env.KDRILL_DOCKER === 'cli') return undefined;
    const endpoint = resolveEndpoint(env);
    return endpoint && new DockerEngine(new EngineHttp(endpoint));
  }

  /**
   * Serves `docker <args>` when it is a form listed above: the result, or undefined when the CLI
   * must run it (an unknown form, or no engine answering on the socket: the CLI then says why).
   */
  async serve(args: readonly string[], signal: AbortSignal): Promise<EngineResult | undefined> {
    const two = `${args[0]} ${args[1]}`;
    const key = Object.hasOwn(routes, two) ? two : args[0] ?? '';
    if (!Object.hasOwn(routes, key)) return undefined;
    const route = routes[key]!;
    const parsed = parseArgs(route, args.slice(key.split(' ').length));
    if (!parsed) return undefined;
    const api: Api = {
      http: this.http,
      signal,
      call: (method, path, body) => this.http.request(method, path, { signal, body: body === undefined ? undefined : JSON.stringify(body) }),
    };
    try {
      return await route.serve(api, parsed.flags, parsed.rest);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (err instanceof LeaveToCli || code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES') return undefined;
      throw err;
    }
  }

  close(): void {
    this.http.close();
  }
}
