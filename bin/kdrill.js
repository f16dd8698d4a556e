#!/usr/bin/env node
// Thin launcher: the CLI lives in dist/ (built by `npm ci` through the prepare script).

// A Ctrl-C while Node loads kdrill, before `run` installs its own handler (which runs the restore),
// ends with exit 130 like any interrupted run, not with death by signal: nothing has run yet.
const early = (signal) => {
  if (process.listenerCount(signal) > 1) return; // a command's own handler decides
  process.stderr.write(`kdrill: interrupted (${signal}) before anything ran\n`);
  process.exit(130);
};
process.on('SIGINT', early);
process.on('SIGTERM', early);

await import('../dist/cli/index.js');
