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

/** The docker host the CLI would use (`unix:///…`, `ssh://…`), and the context it came from, if any. */
export function dockerHost(env: EndpointEnv = process.env): { host: string; context?: string } {
  if (env.DOCKER_HOST) return { host: env.DOCKER_HOST };
  const context = currentContext(env);
  const host = context && contextHost(env, context);
  return host ? { host, context } : { host: 'unix:///var/run/docker.sock' };
}

/** The endpoint, or undefined where only the CLI can reach the engine (ssh://, TLS over tcp://, npipe). */
export function resolveEndpoint(env: EndpointEnv = process.env): EngineEndpoint | undefined {
  return parseHost(dockerHost(env).host, env.DOCKER_TLS_VERIFY);
}

export function parseHost(host: string, tlsVerify?: string): EngineEndpoint | undefined {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  const tcp = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(host);
  if (tcp && !tlsVerify) return { host: tcp[1]!, port: Number(tcp[2]) };
  return undefined;
}

const configDir = (env: EndpointEnv): string => env.DOCKER_CONFIG || path.join(env.HOME || homedir(), '.docker');

/** DOCKER_CONTEXT, else the config's currentContext; undefined for the default one. */
function currentContext(env: EndpointEnv): string | undefined {
  let name = env.DOCKER_CONTEXT;
  if (!name) {
    try {
      name = (JSON.parse(readFileSync(path.join(configDir(env), 'config.json'), 'utf8')) as { currentContext?: string }).currentContext;
    } catch {
      return undefined;
    }
  }
  return name && name !== 'default' ? name : undefined;
}

function contextHost(env: EndpointEnv, name: string): string | undefined {
  // The CLI keeps each context's metadata under the SHA-256 of its name.
  const id = createHash('sha256').update(name).digest('hex');
  try {
    const meta = JSON.parse(readFileSync(path.join(configDir(env), 'contexts', 'meta', id, 'meta.json'), 'utf8')) as {
      Endpoints?: { docker?: { Host?: string } };
    };
    return meta.Endpoints?.docker?.Host;
  } catch {
    // An unknown context: the CLI will say so; kdrill leaves the talking to it.
    return 'unknown-context://';
  }
}
