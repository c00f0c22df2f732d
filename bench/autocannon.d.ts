/** The part of autocannon 8's programmatic API the benchmarks use (the package ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Called before each request; returns the request to send. */
      setupRequest?: (req: Request, context: Record<string, unknown>) => Request;
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
    }

    /** One connection. Emits `response` (statusCode, bytes, durationMs, rate) for every response. */
    type Client = EventEmitter;

    interface Options {
      url: string;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Stop after this many requests instead of a duration. */
      amount?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      /** A response whose body differs counts as a mismatch. Not allowed together with `requests`. */
      expectBody?: string;
      /** A response for which this returns false counts as a mismatch. */
      verifyBody?: (body: string) => boolean;
      requests?: Request[];
      setupClient?: (client: Client) => void;
      /** Seconds before a request counts as timed out. */
      timeout?: number;
      pipelining?: number;
    }

    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      p50: number;
      p90: number;
      p97_5: number;
      p99: number;
    }

    interface Result {
      url: string;
      connections: number;
      /** Seconds the run really took. */
      duration: number;
      latency: Histogram;
      requests: Histogram;
      throughput: Histogram;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      '1xx': number;
      '2xx': number;
      '3xx': number;
      '4xx': number;
      '5xx': number;
      statusCodeStats: Record<string, { count: number }>;
    }

    type Instance = EventEmitter & PromiseLike<Result> & { stop(): void };
  }

  function autocannon(opts: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
