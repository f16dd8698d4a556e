/**
 * Promise.all for commands that change things: it waits for every task of the batch to end before
 * it rejects. With Promise.all, the tasks still running when one fails go on after the caller has
 * moved on — a `docker create` landing after the lab was taken down (what the soak found: a Ctrl-C
 * early in lab up left two of three containers behind).
 */
export async function settleAll<T>(tasks: Array<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
