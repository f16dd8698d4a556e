import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpGet, httpGetCheck, httpVerdict } from '../../../src/invariants/http/get.js';

/** A real HTTP server on 127.0.0.1: each path answers one way. */
let server: http.Server;
let base = '';
const hits = new Map<string, number>();
beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.set(req.url!, (hits.get(req.url!) ?? 0) + 1);
    switch (req.url) {
      case '/ok': res.end('ok: storefront up'); break;
      case '/down': res.writeHead(503).end('maintenance'); break;
      case '/moved': res.writeHead(302, { location: '/ok' }).end(); break;
      case '/evil': res.end('\x1b]0;pwned\x07\x1b[2Jbody'); break;
      case '/big': res.end('x'.repeat(1 << 20) + 'needle'); break;
      case '/hang': break; // never answers
      default: res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const p = (path: string, more: Partial<{ status: number; bodyMatches: string; deadline: string }> = {}) =>
  httpGetCheck.params.parse({ url: `${base}${path}`, ...more });
const run = async (path: string, more = {}) => {
  const params = p(path, more);
  return httpVerdict(params, await httpGet(params.url, 2_000, new AbortController().signal));
};

describe('http.get against a real local server', () => {
  it('200 with a body that matches: holds', async () => {
    expect(await run('/ok', { bodyMatches: '^ok: storefront' })).toEqual({ ok: true, message: `GET ${base}/ok answered 200 with a body matching /^ok: storefront/` });
  });

  it('a status other than the expected one: does not hold, with expected and observed', async () => {
    expect(await run('/down')).toEqual({ ok: false, message: `GET ${base}/down answered 503`, expected: 'status 200', observed: 'status 503' });
    expect((await run('/down', { status: 503 })).ok).toBe(true);
  });

  it('a redirect is the answer, never followed (the target is not asked)', async () => {
    const before = hits.get('/ok') ?? 0;
    expect(await run('/moved')).toEqual({
      ok: false, message: `GET ${base}/moved answered 302 (a redirect to /ok, not followed)`, expected: 'status 200', observed: 'status 302 (a redirect to /ok, not followed)',
    });
    expect(hits.get('/ok') ?? 0).toBe(before);
  });

  it('a body that does not match: shown with its control characters escaped', async () => {
    const v = await run('/evil', { bodyMatches: 'storefront' });
    expect(v.ok).toBe(false);
    expect(v.observed).toBe('\\x1b]0;pwned\\x07\\x1b[2Jbody');
    expect(v.message).not.toMatch(/\x1b/);
  });

  it('only the first 64 KiB of a body is read and matched', async () => {
    expect((await run('/big', { bodyMatches: 'needle' })).ok).toBe(false);
    expect((await run('/big', { bodyMatches: '^x+$' })).ok).toBe(true);
  });

  it('no answer within the deadline: does not hold, and says so in time', async () => {
    const params = p('/hang', { deadline: '300ms' });
    const t0 = performance.now();
    const v = await httpGetCheck.check({ signal: new AbortController().signal } as never, params);
    const took = performance.now() - t0;
    expect(v).toMatchObject({ ok: false, message: `GET ${base}/hang: no answer within 300ms` });
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1_500);
  });

  it('nothing listening: does not hold, naming the error', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const params = httpGetCheck.params.parse({ url: `http://127.0.0.1:${port}/` });
    expect(await httpGetCheck.check({ signal: new AbortController().signal } as never, params)).toMatchObject({ ok: false, message: `GET http://127.0.0.1:${port}/: ECONNREFUSED` });
  });

  it("the drill's abort ends the check with an error, not a verdict", async () => {
    const stop = new AbortController();
    const pending = httpGetCheck.check({ signal: stop.signal } as never, p('/hang', { deadline: '10s' }));
    setTimeout(() => stop.abort(new Error('step aborted')), 50);
    await expect(pending).rejects.toThrow('step aborted');
  });

  it('https: a real TLS server whose certificate no CA vouches for does not hold (verification is on)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kdg-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    const tls = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    try {
      const url = `https://127.0.0.1:${(tls.address() as AddressInfo).port}/`;
      const v = await httpGetCheck.check({ signal: new AbortController().signal } as never, httpGetCheck.params.parse({ url }));
      expect(v).toMatchObject({ ok: false, message: `GET ${url}: the server's TLS certificate is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT): kdrill checks it against Node's CAs (NODE_EXTRA_CA_CERTS adds one)` });
    } finally {
      tls.close();
    }
  });
});
