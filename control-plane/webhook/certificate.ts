/**
 * The webhook's serving certificate from files (a mounted Secret). It is re-read on a timer, and a
 * changed pair is swapped in for new connections: the kubelet updates a mounted Secret in place
 * when `helm upgrade` renews it, and the control plane keeps serving throughout.
 */
import { readFileSync } from 'node:fs';
import type { Clock, TimerHandle } from '../../common/clock.js';
import type { Logger } from '../../common/log.js';

export interface KeyPair {
  cert: string;
  key: string;
}

export class CertificateFiles {
  private current: KeyPair;
  private timer?: TimerHandle;

  constructor(
    private readonly files: { certFile: string; keyFile: string },
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.current = this.read();
  }

  get pair(): KeyPair {
    return this.current;
  }

  /** Checks the files every `everyMs` and calls `onChange` with a new pair when they differ. */
  watch(everyMs: number, onChange: (pair: KeyPair) => void): void {
    const tick = (): void => {
      try {
        const next = this.read();
        if (next.cert !== this.current.cert || next.key !== this.current.key) {
          // Swap first, remember after: a half-written pair (key not matching) throws and is retried next time.
          onChange(next);
          this.current = next;
          this.log.info({ certFile: this.files.certFile }, 'webhook serving certificate reloaded');
        }
      } catch (err) {
        this.log.warn({ err }, 'could not re-read the webhook certificate; keeping the one in use');
      }
      this.timer = this.clock.setTimeout(tick, everyMs);
    };
    this.timer = this.clock.setTimeout(tick, everyMs);
  }

  stop(): void {
    this.timer?.cancel();
  }

  private read(): KeyPair {
    return { cert: readFileSync(this.files.certFile, 'utf8'), key: readFileSync(this.files.keyFile, 'utf8') };
  }
}
