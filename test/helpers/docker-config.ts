import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A docker config folder (DOCKER_CONFIG) with contexts, laid out as the docker CLI lays it out. */
export function dockerConfigDir(current: string | undefined, contexts: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-dockercfg-'));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(current ? { currentContext: current } : {}));
  for (const [name, host] of Object.entries(contexts)) {
    const meta = path.join(dir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }));
  }
  return dir;
}
