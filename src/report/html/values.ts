import { fmtMs } from '../format.js';
import { html } from '../html-text.js';

/**
 * Any JSON value of report.json as HTML, for the parts this page was not written for (figures other
 * reporters add, a step's data): objects as key/value tables, lists of objects as tables with a column
 * per key, a number whose key ends in `Ms` as a duration (the exact ms in its tooltip).
 */
export function valueHtml(v: unknown, key = ''): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number' && /Ms$/.test(key)) return `<span title="${html(v)} ms">${html(fmtMs(v))}</span>`;
  if (typeof v !== 'object') return html(String(v));
  if (Array.isArray(v)) {
    if (v.length === 0) return '<span class="muted">none</span>';
    if (v.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) {
      const cols = [...new Set(v.flatMap((x) => Object.keys(x as object)))];
      const rows = v.map((x) => `<tr>${cols.map((c) => `<td>${valueHtml((x as Record<string, unknown>)[c], c)}</td>`).join('')}</tr>`);
      return `<table><thead><tr>${cols.map((c) => `<th>${html(label(c))}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
    }
    return v.map((x) => valueHtml(x, key)).join(', ');
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return '<span class="muted">none</span>';
  return `<table>${entries.map(([k, x]) => `<tr><th>${html(label(k))}</th><td>${valueHtml(x, k)}</td></tr>`).join('')}</table>`;
}

/** `longestWriteGapMs` → `longest write gap`: a JSON key in the operator's words. */
export function label(key: string): string {
  return key.replace(/Ms$/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}
