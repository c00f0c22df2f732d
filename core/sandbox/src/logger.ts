import { pino, type Logger } from 'pino';

/**
 * What the sandbox logs through: a pino logger. The host passes its own (with its request
 * context); without one, lines go to stdout at MOSAIC_LOG_LEVEL, as the host's do.
 */
export type SandboxLogger = Pick<Logger, 'warn' | 'error'>;

export function defaultLogger(level = process.env.MOSAIC_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'mosaic' }, timestamp: pino.stdTimeFunctions.isoTime });
}
