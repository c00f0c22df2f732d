import ivm from 'isolated-vm';
import { LRUCache } from 'lru-cache';
import type { SandboxLimits } from './limits.js';
import type { BridgeFunction } from './prelude.js';
import { envelope, failure, type Failure, type HostCallMessage, type HostResultMessage } from './protocol.js';
import { isCapability } from './types.js';

/** One invocation's view of the bridge, while it runs. */
export interface ActiveInvocation {
  readonly installationKey: string;
  readonly limits: SandboxLimits;
  hostCalls: number;
  /** Set when the plugin broke a limit the host enforces; the invocation fails with it. */
  violation?: Failure;
}

interface PendingCall {
  invocationId: number;
  resolve: (reply: string) => void;
}

/**
 * Worker side of the bridge: the function a prelude calls for every capability. It checks the
 * call against its invocation (right installation, call count, argument size), forwards it to
 * the core over IPC, and hands the core's envelope back. The checks live here, outside the
 * isolate, because nothing inside the isolate can be trusted once plugin code has run.
 */
export class HostBridge {
  private readonly active = new Map<number, ActiveInvocation>();
  private readonly pending = new Map<number, PendingCall>();
  /** Invocations that missed their deadline: a call from one means plugin code is still running. */
  private readonly abandoned = new LRUCache<number, string>({ max: 1000 });
  private nextCallId = 1;

  constructor(private readonly send: (message: HostCallMessage) => void) {}

  open(invocationId: number, installationKey: string, limits: SandboxLimits): ActiveInvocation {
    const invocation: ActiveInvocation = { installationKey, limits, hostCalls: 0 };
    this.active.set(invocationId, invocation);
    return invocation;
  }

  /** Ends an invocation; its unanswered host calls are refused so the plugin's awaits unwind. */
  close(invocationId: number, abandoned: boolean): void {
    const invocation = this.active.get(invocationId);
    this.active.delete(invocationId);
    if (abandoned && invocation) this.abandoned.set(invocationId, invocation.installationKey);
    for (const [callId, call] of this.pending) {
      if (call.invocationId !== invocationId) continue;
      this.pending.delete(callId);
      call.resolve(envelope.error('INVOCATION_ENDED', 'the invocation has already ended'));
    }
  }

  settle(message: HostResultMessage): void {
    const call = this.pending.get(message.callId);
    if (!call) return;
    this.pending.delete(message.callId);
    call.resolve(message.envelope);
  }

  /**
   * The bridge handed to one installation's prelude; it only serves that installation's
   * invocations. `onRunaway` fires when the sandbox calls for an invocation that was abandoned
   * (deadline passed): its code is still running and the sandbox should go.
   */
  referenceFor(installationKey: string, onRunaway: () => void): ivm.Reference<BridgeFunction> {
    const slot = this.unboundReference();
    slot.bind(installationKey, onRunaway);
    return slot.reference;
  }

  /**
   * A bridge for a sandbox made before its installation is known (IsolatePool's spare): it
   * refuses every call until `bind` names the installation, which it does once. The pool binds
   * it before the bundle runs, so no plugin code ever sees it unbound.
   */
  unboundReference(): { reference: ivm.Reference<BridgeFunction>; bind: (installationKey: string, onRunaway: () => void) => void } {
    let bound: { installationKey: string; onRunaway: () => void } | undefined;
    const fn: BridgeFunction = async (invocationId, capability, argsJson) =>
      bound
        ? this.call(bound.installationKey, bound.onRunaway, invocationId, capability, argsJson)
        : envelope.error('INVOCATION_ENDED', 'no invocation is running');
    return {
      reference: new ivm.Reference(fn),
      bind: (installationKey, onRunaway) => {
        if (bound) throw new Error('a bridge is bound to one installation only');
        bound = { installationKey, onRunaway };
      },
    };
  }

  private call(
    installationKey: string,
    onRunaway: () => void,
    invocationId: unknown,
    capability: unknown,
    argsJson: unknown,
  ): Promise<string> {
    if (typeof invocationId !== 'number' || typeof capability !== 'string' || typeof argsJson !== 'string') {
      return Promise.resolve(envelope.error('BAD_REQUEST', 'malformed host call'));
    }
    const invocation = this.active.get(invocationId);
    if (!invocation || invocation.installationKey !== installationKey) {
      if (this.abandoned.get(invocationId) === installationKey) onRunaway();
      return Promise.resolve(envelope.error('INVOCATION_ENDED', 'the invocation has already ended'));
    }
    if (!isCapability(capability)) {
      return Promise.resolve(envelope.error('BAD_REQUEST', `unknown capability ${capability}`));
    }
    const { maxHostCalls, maxHostArgBytes } = invocation.limits;
    if (++invocation.hostCalls > maxHostCalls) {
      const message = `the plugin made more than ${maxHostCalls} host calls in one invocation`;
      invocation.violation ??= failure('PLUGIN_FAILED', message, 'LIMIT_EXCEEDED');
      return Promise.resolve(envelope.error('LIMIT_EXCEEDED', message));
    }
    if (Buffer.byteLength(argsJson) > maxHostArgBytes) {
      return Promise.resolve(
        envelope.error('BAD_REQUEST', `arguments of ${capability} exceed ${maxHostArgBytes} bytes of JSON`),
      );
    }
    const callId = this.nextCallId++;
    return new Promise<string>((resolve) => {
      this.pending.set(callId, { invocationId, resolve });
      this.send({ type: 'host-call', id: invocationId, callId, capability, argsJson });
    });
  }
}
