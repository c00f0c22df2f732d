import { afterElapsed } from '@mosaic/sandbox';
import { AppError } from '../../lib/errors.js';

/**
 * `pending`, or PLUGIN_TIMEOUT once `ms` have passed: the page stops waiting even if the sandbox
 * has not given up yet. A late outcome is dropped (and its rejection handled) when it comes.
 */
export function withinDeadline<T>(pending: Promise<T>, ms: number, what: string): Promise<T> {
  pending.catch(() => {});
  let cancel = (): void => {};
  const late = new Promise<never>((_, reject) => {
    cancel = afterElapsed(ms, () => reject(new AppError('PLUGIN_TIMEOUT', `${what} did not answer within ${ms} ms`)));
  });
  return Promise.race([pending, late]).finally(cancel);
}
