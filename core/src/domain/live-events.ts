import type { Case } from './cases.js';
import type { Interaction } from './interactions.js';
import type { Order } from './orders.js';

/**
 * What changed, as live pages and GraphQL subscriptions see it. Each event carries the row as it
 * was committed, so a subscriber renders it without reading it back.
 */
export type LiveEvent =
  | { type: 'interaction.added'; customerId: string; interaction: Interaction }
  /** `case.replied`: an interaction was added to the case (the row is the case as it stands). */
  | { type: 'case.created' | 'case.updated' | 'case.replied'; customerId: string; case: Case }
  | { type: 'order.created'; customerId: string; order: Order }
  /** A phone call event (CTI newCall, answer, hangup) as recorded on the customer's timeline. */
  | { type: 'call.ringing' | 'call.answered' | 'call.ended'; tenantId: string; customerId: string; call: LiveCall };

/** A call event of the bus. */
export type LiveCallEvent = Extract<LiveEvent, { call: LiveCall }>;

/** A call as the console's screen pop shows it. */
export interface LiveCall {
  /** The telephone system's id of the call. */
  callId: string;
  /** The call's one interaction on the timeline (each event of the call updates it). */
  interactionId: string;
  caseId: string | null;
  direction: 'INBOUND' | 'OUTBOUND';
  from: string;
  to: string;
  /** Who answered (or is ringing), as the telephone system names them: agents' names or emails. */
  agents: string[];
  /** The customer's name when the number was known before this call; null for a caller first seen now. */
  customerName: string | null;
}

/** A live subscription: iterate it for events; `return()` (or breaking out of `for await`) ends it. */
export type LiveSubscription = AsyncIterableIterator<LiveEvent> & { return(): Promise<IteratorResult<LiveEvent>> };

/**
 * Events queued for a subscriber that reads slower than they arrive; past this its subscription
 * ends (the client resubscribes and reloads) rather than holding memory for ever.
 */
export const MAX_QUEUED_EVENTS = 256;

type Listener = (event: LiveEvent) => void;

/**
 * A process-local publish/subscribe of committed domain changes, keyed by tenant id. The tenant
 * of a subscription is the caller's (from its verified credential), never a client argument, so a
 * tenant can only hear its own writes. Publish only after the transaction committed. With several
 * nodes a relay (live-relay.ts) carries published events to the other nodes' buses.
 */
export class LiveEventBus {
  readonly #listeners = new Map<string, Set<Listener>>();
  #relay: ((tenantId: string, event: LiveEvent) => void) | undefined;

  /** Hands the event to the tenant's current subscribers, and to the other nodes' when relayed. */
  publish(tenantId: string, event: LiveEvent): void {
    this.deliver(tenantId, event);
    this.#relay?.(tenantId, event);
  }

  /**
   * Also hands every event published from now on to `relay` (which carries it to the other
   * nodes), until the returned function is called. One relay at a time.
   */
  relayTo(relay: (tenantId: string, event: LiveEvent) => void): () => void {
    if (this.#relay) throw new Error('the live events are relayed already');
    this.#relay = relay;
    return () => { if (this.#relay === relay) this.#relay = undefined; };
  }

  /**
   * Hands the event to this process's subscribers only (synchronously; they only queue it): for
   * events another node published and relayed here.
   */
  deliver(tenantId: string, event: LiveEvent): void {
    const listeners = this.#listeners.get(tenantId);
    if (!listeners) return;
    for (const listener of [...listeners]) listener(event);
  }

  /**
   * The tenant's events that pass `filter`, from now on, as an async iterator. It holds a listener
   * until `return()` is called (yoga calls it when the client goes away) or the queue overflows;
   * `onEnd` runs once when either happens (to free what the subscriber holds, such as a slot).
   *
   * @example
   * const live = liveEvents.subscribe(ctx.tenantId, (e) => e.customerId === customerId);
   * for await (const event of live) render(event); // `break` ends the subscription
   */
  subscribe(tenantId: string, filter: (event: LiveEvent) => boolean = () => true, onEnd?: () => void): LiveSubscription {
    const queue: LiveEvent[] = [];
    let waiting: ((result: IteratorResult<LiveEvent>) => void) | undefined;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      queue.length = 0;
      const listeners = this.#listeners.get(tenantId);
      listeners?.delete(listener);
      if (listeners?.size === 0) this.#listeners.delete(tenantId);
      waiting?.({ value: undefined, done: true });
      waiting = undefined;
      onEnd?.();
    };
    const listener: Listener = (event) => {
      if (!filter(event)) return;
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        resolve({ value: event, done: false });
      } else if (queue.length >= MAX_QUEUED_EVENTS) {
        end();
      } else {
        queue.push(event);
      }
    };
    let listeners = this.#listeners.get(tenantId);
    if (!listeners) this.#listeners.set(tenantId, (listeners = new Set()));
    listeners.add(listener);

    const iterator: LiveSubscription = {
      next: () => {
        const event = queue.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => { waiting = resolve; });
      },
      return: () => {
        end();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** How many subscriptions are open: the tenant's, or all of them (leak checks, metrics). */
  listenerCount(tenantId?: string): number {
    if (tenantId !== undefined) return this.#listeners.get(tenantId)?.size ?? 0;
    let total = 0;
    for (const set of this.#listeners.values()) total += set.size;
    return total;
  }
}

/** The process's bus: domain writes publish here; subscriptions and live pages listen here. */
export const liveEvents = new LiveEventBus();
