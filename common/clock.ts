/**
 * Time is injected (docs/contributing.md, "Time"): code that waits, backs off or measures takes a Clock, and tests
 * drive a FakeClock (common/testing/fake-clock.ts) instead of sleeping.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds, for durations and deadlines. */
  now(): number;
  /** Wall-clock milliseconds since the epoch, for timestamps that leave the process. */
  wallNow(): number;
  /** Run `fn` after `ms` milliseconds unless cancelled. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Resolve after `ms` milliseconds, or reject with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => performance.timeOrigin + performance.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
  sleep(ms, signal) {
    return sleepWith(this, ms, signal);
  },
};

/** `sleep` written once on top of `setTimeout`, shared by the system and fake clocks. */
export function sleepWith(clock: Pick<Clock, 'setTimeout'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      handle.cancel();
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
