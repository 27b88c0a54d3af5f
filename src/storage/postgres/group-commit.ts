// Group commit: concurrent writers share one statement. The first write goes out at once; writes
// that arrive while it is in flight wait and then go out together, up to `maxBatch` at a time.
// Every caller's promise settles when its own row is committed (or refused), so awaiting a write
// still means it is durable: nothing is buffered past the caller's await and nothing is lost
// when the process stops. A batch that fails is retried row by row, so one bad row fails alone.
export function groupCommit<T>(writeBatch: (items: T[]) => Promise<void>, opts: { maxBatch: number }): (item: T) => Promise<void> {
  type Waiting = { item: T; resolve: () => void; reject: (err: unknown) => void };
  let queue: Waiting[] = [];
  let flushing = false;

  async function writeOne(w: Waiting) {
    try {
      await writeBatch([w.item]);
      w.resolve();
    } catch (err) {
      w.reject(err);
    }
  }

  async function flush() {
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, opts.maxBatch);
        queue = queue.slice(batch.length);
        if (batch.length === 1) {
          await writeOne(batch[0]!);
          continue;
        }
        try {
          await writeBatch(batch.map((w) => w.item));
          for (const w of batch) w.resolve();
        } catch {
          for (const w of batch) await writeOne(w);
        }
      }
    } finally {
      flushing = false;
    }
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!flushing) void flush();
    });
}
