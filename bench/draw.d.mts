export interface SoakRun { signalledAt?: number; ms: number }
export declare function interruptOnce<R extends SoakRun>(
  once: (delayMs: number) => Promise<R>,
  upperMs: number,
  options?: { random?: () => number; tries?: number },
): Promise<{ run: R; delay: number; draws: number }>;
