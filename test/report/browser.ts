import { it } from 'vitest';
import { findChromium } from './chromium.js';

/**
 * The browser the report tests need, or why there is none. In CI (process.env.CI) a missing
 * chromium is a failure, not a skip: .ci/run installs it (scripts/install-deps.sh). Elsewhere the
 * tests are skipped with a message saying so.
 */
export const chromium = findChromium();
export const skipBrowser = !chromium && !process.env.CI;
if (skipBrowser) process.stderr.write('report.html browser tests SKIPPED: no chromium here (apt-get install chromium); in CI they fail instead\n');

/** In CI without chromium: one failing test that says what is missing. */
export function requireChromiumInCi(): void {
  if (!chromium && process.env.CI) {
    it('has chromium (Debian package `chromium`, installed by scripts/install-deps.sh)', () => {
      throw new Error('chromium is not installed: the report.html browser tests cannot run (apt-get install chromium, or KDRILL_CHROMIUM=/path/to/chromium)');
    });
  }
}
