/**
 * The page's only style sheet, inline (report.html loads nothing). Colours are not the only signal:
 * every status is also a word (PASSED, FAILED …), so a black-and-white print says the same. In
 * print, colours are kept (print-color-adjust), the commands' long lines wrap, table headers repeat
 * on each page, and a check or a command row is never cut in two.
 */
export const STYLE = `
:root { --ok: #1f7a35; --bad: #b42318; --warn: #9a6700; --muted: #5f6368; --line: #d0d7de; --bg-bad: #fdecea; --bg-ok: #e9f6ec; --bg-warn: #fff6dd; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1f2328; margin: 0 auto; max-width: 1100px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 0 0 6px; }
code, pre { font: 12.5px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; padding: 8px; margin: 6px 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
th { background: #f6f8fa; font-weight: 600; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.muted, .meta { color: var(--muted); }
.meta { font-weight: normal; font-size: 13px; }
.verdict { border-radius: 6px; padding: 12px 16px; margin: 8px 0 16px; font-size: 18px; border: 2px solid; }
.verdict strong { font-size: 22px; letter-spacing: 0.03em; }
.verdict.passed { background: var(--bg-ok); border-color: var(--ok); color: var(--ok); }
.verdict.failed, .verdict.error, .verdict.invalidated, .verdict.incomplete { background: var(--bg-bad); border-color: var(--bad); color: var(--bad); }
.verdict.interrupted { background: var(--bg-warn); border-color: var(--warn); color: var(--warn); }
.facts th { width: 170px; background: none; }
.badge { display: inline-block; min-width: 64px; text-align: center; border-radius: 3px; padding: 0 6px; font-size: 12px; font-weight: 700; color: #fff; background: var(--muted); }
.badge.passed { background: var(--ok); }
.badge.failed, .badge.timeout, .badge.interrupted { background: var(--bad); }
.badge.skipped { background: var(--warn); }
.step { border: 1px solid var(--line); border-left: 6px solid var(--muted); border-radius: 4px; padding: 10px 14px; margin: 10px 0; }
.step.passed { border-left-color: var(--ok); }
.step.failed, .step.timeout, .step.interrupted { border-left-color: var(--bad); }
.step.not-run { border-left-style: dashed; color: var(--muted); }
.explain { margin: 4px 0 8px; font-style: italic; }
tr.check.failed td { background: var(--bg-bad); }
tr.check.failed td.result { color: var(--bad); font-weight: 700; }
tr.check.passed td.result { color: var(--ok); font-weight: 600; }
table.commands, table.checks { table-layout: fixed; }
table.checks col.check { width: 24%; }
table.checks col.result { width: 92px; }
table.checks col.eo { width: 16%; }
table.commands col.at { width: 118px; }
table.commands td:first-child { white-space: nowrap; font-size: 12px; }
table.commands col.exit { width: 56px; }
table.commands col.took { width: 170px; }
td.exit.nonzero { color: var(--bad); font-weight: 700; }
.failures li { margin-bottom: 6px; }
.failures { background: var(--bg-bad); border: 1px solid var(--bad); border-radius: 4px; padding: 8px 8px 8px 28px; }
.timeline svg { display: block; width: 100%; height: auto; border: 1px solid var(--line); }
.footnote { font-size: 12px; color: var(--muted); }
@page { size: A4; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11.5px; }
  h2 { break-after: avoid; }
  h3, .explain { break-after: avoid; }
  .verdict, .timeline, .facts { break-inside: avoid; }
}
`;
