/** A refusal meant for the plugin: the sandbox passes `code` and `message` into the isolate. */
export class HostError extends Error {
  override readonly name = 'HostError';

  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A test that cannot run as written (unknown field, missing recording, invalid widget, ...). */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

export { jsonProblem } from './json-check.js';
