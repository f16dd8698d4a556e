import { statSync } from 'node:fs';
import path from 'node:path';
import type { ParamFiles } from '../engine/types.js';

type Params = Record<string, unknown>;

/**
 * The paths in a module's params, resolved against the drill's folder; inputs must exist (a file or
 * a folder), folders must be folders. Problems are keyed by the param.
 */
export function resolveFiles(files: ParamFiles, params: Params, dir: string): { params: Params; problems: Array<{ key: string; message: string }> } {
  const out = { ...params };
  const problems: Array<{ key: string; message: string }> = [];
  const problem = (key: string, message: string) => problems.push({ key, message });
  for (const key of [...(files.input ?? []), ...(files.output ?? []), ...(files.folders ?? [])]) {
    const v = out[key];
    if (typeof v !== 'string') continue;
    if (v.includes('\0')) {
      problem(key, 'must not contain a NUL byte (\\0): no path can hold one');
      continue;
    }
    const abs = path.resolve(dir, v);
    out[key] = abs;
    const stat = statOf(abs);
    if (files.input?.includes(key)) {
      if (!stat) problem(key, `file not found: ${abs}`);
      else if (!stat.isDirectory() && !stat.isFile()) problem(key, `not a file or folder: ${abs}`);
    } else if (files.folders?.includes(key)) {
      if (!stat) problem(key, `folder not found: ${abs}`);
      else if (!stat.isDirectory()) problem(key, `not a folder: ${abs} is a file`);
    }
  }
  return { params: out, problems };
}

function statOf(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}
