import type { CommandRunner } from '../../exec/runner.js';

/** What kdrill needs to know about a node container, read with one `docker container inspect`. */
export interface ContainerInfo {
  name: string;
  /** docker's state: created, running, paused, exited, … */
  state: string;
  running: boolean;
  paused: boolean;
  /** docker's exit code of the container's last run (0 while it has never exited). */
  exitCode: number;
  labels: Record<string, string>;
  /** IP per attached network (a partitioned node has none on the lab network). */
  ips: Record<string, string>;
  /** Networks the container is attached to (a partitioned node lacks the lab's). */
  networks: string[];
  /** The IP the container was created with on each network (`--ip`), if any. */
  fixedIps: Record<string, string>;
  /** Host ports it was created with (`--publish`), by container port (`2379/tcp`): kept while it is stopped too. */
  hostPorts: Record<string, number>;
  image: string;
}

interface RawInspect {
  Name: string;
  State: { Status: string; Running: boolean; Paused: boolean; ExitCode?: number };
  Config: { Labels: Record<string, string> | null; Image: string };
  HostConfig?: { PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null };
  NetworkSettings: { Networks: Record<string, { IPAddress?: string; IPAMConfig?: { IPv4Address?: string } | null }> | null };
}

export function parseInspect(raw: RawInspect): ContainerInfo {
  const ips: Record<string, string> = {};
  const fixedIps: Record<string, string> = {};
  for (const [net, n] of Object.entries(raw.NetworkSettings.Networks ?? {})) {
    if (n.IPAddress) ips[net] = n.IPAddress;
    if (n.IPAMConfig?.IPv4Address) fixedIps[net] = n.IPAMConfig.IPv4Address;
  }
  const hostPorts: Record<string, number> = {};
  for (const [port, bindings] of Object.entries(raw.HostConfig?.PortBindings ?? {})) {
    const hostPort = Number(bindings?.[0]?.HostPort);
    if (hostPort > 0) hostPorts[port] = hostPort;
  }
  return {
    name: raw.Name.replace(/^\//, ''),
    state: raw.State.Status,
    running: raw.State.Running,
    paused: raw.State.Paused,
    exitCode: raw.State.ExitCode ?? 0,
    labels: raw.Config.Labels ?? {},
    ips,
    networks: Object.keys(raw.NetworkSettings.Networks ?? {}),
    fixedIps,
    hostPorts,
    image: raw.Config.Image,
  };
}

/** Inspects containers by name; names that do not exist are missing from the result. */
export async function inspectContainers(
  runner: CommandRunner,
  names: string[],
  signal?: AbortSignal,
): Promise<Map<string, ContainerInfo>> {
  const out = new Map<string, ContainerInfo>();
  if (names.length === 0) return out;
  // One call for all: docker prints the found ones and exits 1 when any is missing.
  const r = await runner.run(['docker', 'container', 'inspect', ...names], { signal, timeout: 15_000, allowFailure: true });
  let list: RawInspect[] = [];
  try {
    list = JSON.parse(r.stdout || '[]') as RawInspect[];
  } catch {
    list = [];
  }
  for (const raw of list) {
    const info = parseInspect(raw);
    out.set(info.name, info);
  }
  return out;
}

/** Containers carrying a label (`key=value`), by name; finds leftovers of an aborted run. */
export async function containersWithLabel(runner: CommandRunner, label: string, signal?: AbortSignal): Promise<string[]> {
  const r = await runner.run(['docker', 'ps', '--all', '--filter', `label=${label}`, '--format', '{{.Names}}'], { signal, timeout: 15_000 });
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean).sort();
}
