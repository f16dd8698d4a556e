import http from 'node:http';
import type { EngineEndpoint } from './endpoint.js';

export interface EngineResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface EngineRequest {
  body?: Buffer | string;
  contentType?: string;
  signal: AbortSignal;
}

/**
 * HTTP to the Docker Engine API over its socket: a request costs well under a millisecond of
 * kdrill's CPU, where spawning the docker CLI blocks the event loop ~13 ms and waits ~60 ms for it.
 * Kept-alive connections are unreferenced while idle, so they never hold the process open.
 */
export class EngineHttp {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  constructor(readonly endpoint: EngineEndpoint) {}

  request(method: string, path: string, opts: EngineRequest): Promise<EngineResponse> {
    return new Promise((resolve, reject) => {
      const where = 'socketPath' in this.endpoint ? { socketPath: this.endpoint.socketPath } : { host: this.endpoint.host, port: this.endpoint.port };
      const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
      const req = http.request({
        ...where,
        method,
        path,
        agent: this.agent,
        signal: opts.signal,
        headers: {
          host: 'docker',
          ...(body ? { 'content-type': opts.contentType ?? 'application/json', 'content-length': body.length } : {}),
        },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The daemon's own words for a failed request (`{"message": "..."}`), as the CLI prints them. */
export function daemonMessage(res: EngineResponse): string {
  try {
    return (JSON.parse(res.body.toString('utf8')) as { message?: string }).message ?? res.body.toString('utf8').trim();
  } catch {
    return res.body.toString('utf8').trim() || `HTTP ${res.status}`;
  }
}

/** Thrown where the CLI handles a case better than kdrill's requests would: the CLI runs it instead. */
export class LeaveToCli extends Error {}
