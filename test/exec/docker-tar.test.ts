import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { packTar, unpackTar } from '../../src/exec/docker/tar.js';

// The tar kdrill writes is read back by GNU tar, and what GNU tar writes (ustar, PAX, GNU long
// names: the forms docker's archive code produces too) is read by kdrill.
const long = `${'d'.repeat(60)}/${'f'.repeat(70)}.crt`;

describe('tar for docker cp', () => {
  it('GNU tar extracts what packTar wrote: names (long ones too), folders, modes, contents', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-tar-'));
    const tar = await packTar([
      { name: 'pki', type: 'dir', mode: 0o755 },
      { name: 'pki/ca.key', type: 'file', mode: 0o600, content: Buffer.from('secret\n') },
      { name: 'pki/empty', type: 'file', mode: 0o644, content: Buffer.alloc(0) },
      { name: `pki/${long}`, type: 'file', mode: 0o644, content: Buffer.alloc(1500, 'x') },
    ]);
    expect(tar.length % 512).toBe(0);
    writeFileSync(path.join(dir, 'a.tar'), tar);
    mkdirSync(path.join(dir, 'out'));
    execFileSync('tar', ['-xf', path.join(dir, 'a.tar'), '-C', path.join(dir, 'out')]);
    expect(readFileSync(path.join(dir, 'out/pki/ca.key'), 'utf8')).toBe('secret\n');
    expect(statSync(path.join(dir, 'out/pki/ca.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, 'out/pki/empty'), 'utf8')).toBe('');
    expect(readFileSync(path.join(dir, 'out/pki', long)).length).toBe(1500);
  });

  it.each(['ustar', 'pax', 'gnu'])('unpackTar reads GNU tar --format=%s, long names included', async (format) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-tar-'));
    mkdirSync(path.join(dir, 'src/pki', path.dirname(long)), { recursive: true });
    writeFileSync(path.join(dir, 'src/pki/ca.key'), 'secret\n', { mode: 0o600 });
    writeFileSync(path.join(dir, 'src/pki', long), 'y'.repeat(513));
    // ustar cannot hold a 131-byte name in one field, but can with its prefix field.
    const tar = execFileSync('tar', ['-c', `--format=${format}`, '-C', path.join(dir, 'src'), 'pki']);
    const entries = await unpackTar(tar);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('pki')?.type).toBe('dir');
    expect(byName.get('pki/ca.key')).toMatchObject({ type: 'file', mode: 0o600 });
    expect(byName.get('pki/ca.key')?.content?.toString()).toBe('secret\n');
    expect(byName.get(`pki/${long}`)?.content?.length).toBe(513);
  });
});
