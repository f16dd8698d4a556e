import { z } from 'zod';

/** Byte sizes and fractions as operators write them: `16MiB`, `2GB`, `1048576`; `0.2` or `20%`. */

const UNITS: Record<string, number> = {
  '': 1, b: 1,
  kb: 1e3, mb: 1e6, gb: 1e9,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3,
  k: 1024, m: 1024 ** 2, g: 1024 ** 3,
};

export function parseBytes(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v) : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(v);
  const factor = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  return m && factor !== undefined ? Math.round(Number(m[1]) * factor) : undefined;
}

export const byteSize = z
  .union([z.number(), z.string()])
  .transform((v, c) => {
    const n = parseBytes(v);
    if (n === undefined) {
      c.addIssue({ code: 'custom', message: `expected a size such as 16MiB, 2GB or 1048576, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  })
  .describe('A size in bytes: 1048576, 16MiB, 2GB');

export const fraction = z
  .union([z.number(), z.string()])
  .transform((v, c) => {
    const n = typeof v === 'number' ? v : /^\s*\d+(\.\d+)?\s*%\s*$/.test(v) ? Number.parseFloat(v) / 100 : Number.NaN;
    if (!(n >= 0 && n <= 1)) {
      c.addIssue({ code: 'custom', message: `expected a fraction between 0 and 1 (0.2) or a percentage (20%), got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  })
  .describe('A fraction: 0.2 or 20%');

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export const percent = (f: number): string => `${Math.round(f * 100)}%`;

/** Quorum = ⌊n/2⌋+1. */
