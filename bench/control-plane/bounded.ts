/** Many API requests with a bound on concurrency and on time, and progress along the way. */

export interface BoundedOptions {
  concurrency: number;
  /** The whole batch fails once this much time has passed. */
  deadlineMs: number;
  /** Called after every `every` completions and after the last. */
  progress?: (done: number, total: number) => void;
  every?: number;
}

export async function forEachBounded<T>(items: readonly T[], task: (item: T) => Promise<void>, opts: BoundedOptions): Promise<void> {
  const deadline = performance.now() + opts.deadlineMs;
  const every = Math.max(1, opts.every ?? Math.ceil(items.length / 10));
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (performance.now() > deadline) throw new Error(`gave up after ${opts.deadlineMs} ms with ${done} of ${items.length} done`);
      const item = items[next++] as T;
      await withTimeout(task(item), deadline - performance.now());
      done++;
      if (done % every === 0 || done === items.length) opts.progress?.(done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, opts.concurrency), items.length) }, worker));
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms)} ms`)), Math.max(0, ms))));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
