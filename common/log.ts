import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * One logging setup for both sides: JSON lines on stdout, level from WEFT_LOG_LEVEL (default info).
 * Components take a Logger (usually `root.child({ component })`) rather than creating their own.
 */
export function createLogger(name: string, level = process.env.WEFT_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
