import { pino, type Logger } from 'pino';

/** Structured JSON logs on stdout; MOSAIC_LOG_LEVEL=silent turns them off (tests). */
export function createLogger(level = process.env.MOSAIC_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'mosaic' }, timestamp: pino.stdTimeFunctions.isoTime });
}

export type { Logger };
