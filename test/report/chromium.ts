import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * A real headless chromium (Debian's `chromium` package), driven through the DevTools protocol over
 * a pipe (--remote-debugging-pipe: JSON messages ended by NUL, commands on fd 3, replies on fd 4).
 * No library: the few protocol calls the report test needs. Every page request is recorded, so a
 * test can say that a page loaded nothing but itself.
 */
export function findChromium(): string | undefined {
  // KDRILL_CHROMIUM, when set, is the only one tried (and so can also say "there is none").
  for (const name of process.env.KDRILL_CHROMIUM ? [process.env.KDRILL_CHROMIUM] : ['chromium', 'chromium-browser']) {
    const r = spawnSync(name, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return name;
  }
  return undefined;
}

export interface Page {
  /** Evaluates an expression in the page; returns its value (JSON). */
  evaluate<T>(expression: string): Promise<T>;
  /** URLs the page asked for, the page itself included. */
  requests: string[];
  /** The page printed to PDF as the browser prints it (Page.printToPDF: Letter unless the page's @page says otherwise). */
  pdf(): Promise<Buffer>;
  close(): Promise<void>;
}

export async function openPage(chromium: string, file: string): Promise<Page> {
  const profile = mkdtempSync(path.join(tmpdir(), 'kdrill-chromium-'));
  const child: ChildProcess = spawn(chromium, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check',
    '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const toBrowser = child.stdio[3] as NodeJS.WritableStream;
  const fromBrowser = child.stdio[4] as NodeJS.ReadableStream;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  const listeners: Array<(m: any) => void> = [];
  let buffer = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  child.on('exit', (code, signal) => {
    for (const w of waiting.values()) w.reject(new Error(`chromium exited (${code ?? signal}) before answering: ${stderr.slice(-2000)}`));
    waiting.clear();
  });
  fromBrowser.on('data', (d: Buffer) => {
    buffer += d.toString('utf8');
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const msg = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      if (msg.id !== undefined && waiting.has(msg.id)) {
        const w = waiting.get(msg.id)!;
        waiting.delete(msg.id);
        if (msg.error) w.reject(new Error(`${msg.error.message} ${msg.error.data ?? ''}`));
        else w.resolve(msg.result);
      } else {
        for (const l of listeners) l(msg);
      }
    }
  });
  const send = (method: string, params: object = {}, sessionId?: string): Promise<any> => {
    const id = nextId++;
    toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => waiting.delete(id) && reject(new Error(`chromium did not answer ${method} in 30 s`)), 30_000);
      waiting.set(id, { resolve: (v) => (clearTimeout(timer), resolve(v)), reject: (e) => (clearTimeout(timer), reject(e)) });
    });
  };

  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const requests: string[] = [];
  listeners.push((m) => {
    if (m.sessionId === sessionId && m.method === 'Network.requestWillBeSent') requests.push(m.params.request.url);
  });
  await send('Network.enable', {}, sessionId);
  await send('Page.enable', {}, sessionId);
  const loaded = new Promise<void>((resolve) => listeners.push((m) => m.sessionId === sessionId && m.method === 'Page.loadEventFired' && resolve()));
  await send('Page.navigate', { url: pathToFileURL(file).href }, sessionId);
  await Promise.race([loaded, exited.then(() => Promise.reject(new Error(`chromium exited while loading ${file}: ${stderr.slice(-2000)}`)))]);

  return {
    requests,
    async evaluate<T>(expression: string): Promise<T> {
      const r = await send('Runtime.evaluate', { expression, returnByValue: true }, sessionId);
      if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      return r.result.value as T;
    },
    async pdf(): Promise<Buffer> {
      const r = await send('Page.printToPDF', { preferCSSPageSize: true, printBackground: true }, sessionId);
      return Buffer.from(r.data, 'base64');
    },
    async close() {
      try {
        await Promise.race([send('Browser.close'), exited]);
      } catch {
        // it is closing
      }
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      // Chromium's helper processes (network service, renderers) may still write their cache for a
      // moment after the browser exited: ENOTEMPTY once in CI. rmSync retries on it.
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}
