/**
 * etcdctl's `-w table` look (olekukonko/tablewriter): a ruled box, headers upper-case and centred,
 * cells right-aligned, so that what `kdrill lab status` prints reads like what the chapter shows.
 */
export function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const centred = (s: string, w: number) => {
    const left = Math.floor((w - s.length) / 2);
    return `${' '.repeat(left)}${s}${' '.repeat(w - s.length - left)}`;
  };
  const line = (cells: string[], fit: (s: string, w: number) => string) => `| ${cells.map((c, i) => fit(c, widths[i]!)).join(' | ')} |`;
  return [rule, line(headers.map((h) => h.toUpperCase()), centred), rule, ...rows.map((r) => line(r, (s, w) => s.padStart(w))), rule];
}

/** etcdctl's DB SIZE (go-humanize's Bytes): SI units, one decimal under 10. */
export function humanBytes(n: number): string {
  if (n < 10) return `${n} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  const e = Math.min(Math.floor(Math.log(n) / Math.log(1000)), units.length - 1);
  // go-humanize rounds to one decimal first, then Go's %.0f rounds half to even (20.5 kB prints 20 kB).
  const v = Math.floor((n / 1000 ** e) * 10 + 0.5) / 10;
  if (v < 10) return `${v.toFixed(1)} ${units[e]}`;
  const whole = Math.floor(v);
  const rounded = v - whole === 0.5 ? (whole % 2 === 0 ? whole : whole + 1) : Math.round(v);
  return `${rounded} ${units[e]}`;
}

/** etcd prints member IDs in hex; kdrill's clients hand them over as decimal strings. */
export function hexId(id: string): string {
  try {
    return BigInt(id).toString(16);
  } catch {
    return id;
  }
}
