import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Where the docker CLI would send its requests, found the way the CLI finds it: DOCKER_HOST, then
 * DOCKER_CONTEXT or the config's currentContext (Docker Desktop, colima, rootless docker), then
 * the default socket. kdrill talks to that same daemon directly, so the CLI commands it still runs
 * (`docker exec`, `docker run`) and the requests it sends land on one engine.
 */

export type EngineEndpoint = { socketPath: string } | { host: string; port: number };

export interface EndpointEnv {
  DOCKER_HOST?: string;
  DOCKER_CONTEXT?: string;
  DOCKER_CONFIG?: string;
  DOCKER_TLS_VERIFY?: string;
  HOME?: string;
}

/** The endpoint, or undefined where only the CLI can reach the engine (ssh://, TLS over tcp://, npipe). */
export function resolveEndpoint(env: EndpointEnv = process.env): EngineEndpoint | undefined {
  const host = env.DOCKER_HOST || contextHost(env) || 'unix:///var/run/docker.sock';
  return parseHost(host, env.DOCKER_TLS_VERIFY);
}

export function parseHost(host: string, tlsVerify?: string): EngineEndpoint | undefined {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(host);
  if (tcp && !tlsVerify) return { host: tcp[1]!, port: Number(tcp[2]) };
  return undefined;
}

function contextHost(env: EndpointEnv): string | undefined {
  const configDir = env.DOCKER_CONFIG || path.join(env.HOME || homedir(), '.docker');
  let name = env.DOCKER_CONTEXT;
  if (!name) {
    try {
      name = (JSON.parse(readFileSync(path.join(configDir, 'config.json'), 'utf8')) as { currentContext?: string }).currentContext;
    } catch {
      return undefined;
    }
  }
  if (!name || name === 'default') return undefined;
  // The CLI keeps each context's metadata under the SHA-256 of its name.
  const id = createHash('sha256').update(name).digest('hex');
  try {
    const meta = JSON.parse(readFileSync(path.join(configDir, 'contexts', 'meta', id, 'meta.json'), 'utf8')) as {
      Endpoints?: { docker?: { Host?: string } };
    };
    return meta.Endpoints?.docker?.Host;
  } catch {
    // An unknown context: the CLI will say so; kdrill leaves the talking to it.
    return 'unknown-context://';
  }
}
