/**
 * The longest delay Node's timers hold: 2^31-1 ms, about 24.8 days. Above it `setTimeout` fires
 * after 1 ms (with a TimeoutOverflowWarning) and `AbortSignal.timeout` throws a RangeError (above
 * 2^32-1) or fires at once.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `AbortSignal.timeout` that neither throws nor fires early: a delay Node's timers cannot hold (too
 * long, not a number) is held as long as they can; a negative one fires at once. `validate` refuses
 * such durations in a drill; this keeps a run whole (its restore runs) should one get through.
 */
export function timeoutSignal(ms: number): AbortSignal {
  const held = Number.isNaN(ms) ? MAX_TIMER_MS : Math.min(Math.max(0, Math.round(ms)), MAX_TIMER_MS);
  return AbortSignal.timeout(held);
}
