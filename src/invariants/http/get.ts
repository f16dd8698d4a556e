import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import { parseDuration } from '../../drill/duration.js';
import { positiveDuration } from '../../drill/schema.js';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { visible } from '../../report/escape.js';

/** What is kept of a body to match against and to show: enough for a health page, not a download. */
const BODY_LIMIT = 64 * 1024;
const SHOWN = 200;

const params = z.strictObject({
  url: z.string().superRefine((t, ctx) => {
    let u: URL | undefined;
    try {
      u = new URL(t);
    } catch {
      ctx.addIssue({ code: 'custom', input: t, message: 'must be an absolute http:// or https:// URL' });
      return;
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') ctx.addIssue({ code: 'custom', input: t, message: `must be an http:// or https:// URL, got ${u.protocol}` });
  }).describe('The URL to GET (http or https); redirects are never followed: a 3xx is the answer'),
  status: z.number().int().min(100).max(599).default(200).describe('The status code expected (default 200)'),
  bodyMatches: z.string().superRefine((t, ctx) => {
    try {
      new RegExp(t);
    } catch (err) {
      ctx.addIssue({ code: 'custom', input: t, message: `must be a regular expression: ${(err as Error).message}` });
    }
  }).optional().describe(`A regular expression the body must match (the first ${BODY_LIMIT / 1024} KiB of it)`),
  deadline: positiveDuration.default('2s').describe('The whole request, body included, must end within this (default 2s)'),
});
type Params = z.output<typeof params>;

export type HttpObserved = { status: number; body: string; location?: string } | { error: string };

/** Text from the server, on one line, its control characters shown: a page cannot write to the terminal. */
const shown = (s: string) => visible(s.length > SHOWN ? `${s.slice(0, SHOWN)}…` : s);

/** Pure verdict: did the answer (or the failure to get one) meet the expectation? */
export function httpVerdict(p: Params, o: HttpObserved): Verdict {
  const what = `GET ${visible(p.url)}`;
  if ('error' in o) return { ok: false, message: `${what}: ${visible(o.error)}`, expected: `status ${p.status}`, observed: visible(o.error) };
  if (o.status !== p.status) {
    const redirect = o.status >= 300 && o.status < 400 ? ` (a redirect${o.location !== undefined ? ` to ${shown(o.location)}` : ''}, not followed)` : '';
    return { ok: false, message: `${what} answered ${o.status}${redirect}`, expected: `status ${p.status}`, observed: `status ${o.status}${redirect}` };
  }
  if (p.bodyMatches !== undefined && !new RegExp(p.bodyMatches).test(o.body)) {
    return { ok: false, message: `${what} answered ${o.status} but its body does not match /${visible(p.bodyMatches)}/`, expected: `body matching /${visible(p.bodyMatches)}/`, observed: shown(o.body) };
  }
  return { ok: true, message: `${what} answered ${o.status}${p.bodyMatches !== undefined ? ` with a body matching /${visible(p.bodyMatches)}/` : ''}` };
}

/** One GET, no agent (a fresh connection each time: what a new client sees), never following a redirect. */
export function httpGet(url: string, deadlineMs: number, signal: AbortSignal): Promise<HttpObserved> {
  const deadline = AbortSignal.timeout(deadlineMs);
  const both = AbortSignal.any([signal, deadline]);
  const get = url.startsWith('https:') ? https.get : http.get;
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, signal: both, headers: { 'user-agent': 'kdrill http.get' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < BODY_LIMIT) chunks.push(c);
        size += c.length;
        if (size >= BODY_LIMIT) res.destroy();
      });
      const done = () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, BODY_LIMIT).toString('utf8'), location: res.headers.location });
      res.on('end', done);
      res.on('close', () => (size >= BODY_LIMIT ? done() : undefined));
      res.on('error', (err) => fail(err));
    });
    const fail = (err: Error) => {
      // The drill's own abort is not a verdict: it ends the check.
      if (signal.aborted) reject(signal.reason ?? err);
      else resolve({ error: deadline.aborted ? `no answer within ${deadlineMs}ms` : words(err as NodeJS.ErrnoException) });
    };
    req.on('error', fail);
  });
}

/** A failed request in the operator's words: the code, and for TLS what to do about it. */
function words(err: NodeJS.ErrnoException): string {
  const code = err.code ?? err.message;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return `the server's TLS certificate is not trusted (${code}): kdrill checks it against Node's CAs (NODE_EXTRA_CA_CERTS adds one)`;
  }
  return code;
}

export const httpGetCheck: InvariantModule<Params> = {
  name: 'http.get',
  summary: 'an HTTP(S) GET answers with the expected status (and body) within a deadline; redirects are not followed',
  params,
  plan: (p) => [`GET ${p.url} (no redirects followed), within ${p.deadline}: expect status ${p.status}${p.bodyMatches !== undefined ? `, body matching /${p.bodyMatches}/` : ''}`],
  async check(ctx, p) {
    return httpVerdict(p, await httpGet(p.url, parseDuration(p.deadline)!, ctx.signal));
  },
};
