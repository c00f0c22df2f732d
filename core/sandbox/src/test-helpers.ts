import { createHash } from 'node:crypto';
import { defaultLogger } from './logger.js';
import type { HostFunction, InvocationContext, PluginBundle } from './types.js';

/** Tests provoke crashes and host faults on purpose; their logs are noise. */
export const quietLogger = defaultLogger('silent');

/** A bundle from plugin source: `source` is the object assigned to globalThis.mosaicPlugin. */
export function pluginBundle(source: string): PluginBundle {
  const code = `globalThis.mosaicPlugin = ${source};`;
  return { code, sha256: createHash('sha256').update(code).digest('hex') };
}

export function rawBundle(code: string): PluginBundle {
  return { code, sha256: createHash('sha256').update(code).digest('hex') };
}

export function testContext(tenant = 't1'): InvocationContext {
  return {
    tenant: { id: `${tenant}-id`, slug: tenant },
    installation: { id: `inst-${tenant}`, pluginId: 'acme.test', version: '1.0.0' },
    config: { greeting: 'hi' },
  };
}

export const noHost: HostFunction = async (capability) => {
  throw Object.assign(new Error(`${capability} is not granted`), { code: 'FORBIDDEN' });
};

/** A host that records its calls and answers from `answers` (by capability). */
export function recordingHost(answers: Partial<Record<string, (args: unknown) => unknown>> = {}) {
  const calls: Array<{ capability: string; args: unknown }> = [];
  const host: HostFunction = async (capability, args) => {
    calls.push({ capability, args });
    const answer = answers[capability];
    if (!answer) throw Object.assign(new Error(`${capability} is not granted`), { code: 'FORBIDDEN' });
    return answer(args);
  };
  return { host, calls };
}
