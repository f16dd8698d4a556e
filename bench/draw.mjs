// The soak's draw of a SIGINT moment. A moment is drawn over [200 ms, upper - 200 ms]; when kdrill
// exits before it comes (that run was faster than the one that set `upper`), the run's own duration
// becomes the new upper bound and the moment is drawn again, at most `tries` times.
// `once(delayMs)` runs the drill with a SIGINT after delayMs and resolves to { signalledAt, ms, … }.
export async function interruptOnce(once, upperMs, { random = Math.random, tries = 8 } = {}) {
  let upper = upperMs;
  let run, delay;
  for (let draw = 1; draw <= tries; draw++) {
    delay = Math.round(200 + random() * Math.max(0, upper - 400));
    run = await once(delay);
    if (run.signalledAt !== undefined) return { run, delay, draws: draw };
    upper = Math.min(upper, run.ms);
  }
  return { run, delay, draws: tries };
}
