/**
 * stdout and stderr at the end of a command. Into a pipe, Node keeps what the reader has not taken
 * yet in a queue, and process.exit() drops that queue: the CLI waits for it first. A reader that
 * goes away early (`kdrill schema | head -1`) is its business: what is left is not written, and
 * a running drill goes on to its restore.
 */

/** Resolves once everything written to `stream` so far has been handed over, or cannot be any more. */
export function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) return resolve();
    const done = () => resolve();
    stream.once('close', done);
    stream.write('', done);
  });
}

/** A write error on stdout or stderr (EPIPE: the reader left) has no one left to tell: it ends nothing. */
export function quietWhenReaderLeaves(...streams: NodeJS.WriteStream[]): void {
  for (const s of streams) s.on('error', () => {});
}
