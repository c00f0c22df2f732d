/**
 * The harness runs plugins in core's own sandbox (`@mosaic/core/sandbox`), loaded at run time:
 * core depends on this package, so the SDK cannot depend on core when it is built. The types
 * below are the slice of core's sandbox API the harness uses; an example package that depends
 * on both checks that core's module still satisfies them (see SandboxModule).
 */
import type { HostFunction } from './test-context.js';
import { HarnessError } from './test-errors.js';

/** Overrides of core's per-invocation limits (core's SandboxLimits). */
export interface SandboxLimits {
  memoryMb: number;
  cpuTimeoutMs: number;
  wallTimeoutMs: number;
  maxResultBytes: number;
  maxHostCalls: number;
  maxHostArgBytes: number;
}

export type InvocationEntry =
  | { kind: 'resolver'; type: string; field: string }
  | { kind: 'event'; type: string }
  | { kind: 'action'; name: string };

interface InvocationBase {
  installationKey: string;
  bundle: { sha256: string; code: string };
  context: {
    tenant: { id: string; slug: string };
    installation: { id: string; pluginId: string; version: string };
    config: Record<string, unknown>;
  };
  limits?: Partial<SandboxLimits>;
}

export type Invocation =
  | (InvocationBase & { entry: Extract<InvocationEntry, { kind: 'resolver' }>; parents: readonly unknown[]; args?: Record<string, unknown> })
  | (InvocationBase & { entry: Extract<InvocationEntry, { kind: 'event' }>; event: unknown })
  | (InvocationBase & { entry: Extract<InvocationEntry, { kind: 'action' }>; input: unknown });

export interface InvocationMetrics {
  cpuMs: number;
  wallMs: number;
  hostCalls: number;
  coldStart: boolean;
}

export interface Supervisor {
  invoke(invocation: Invocation, host: HostFunction): Promise<{ value: unknown; metrics: InvocationMetrics }>;
  close(): Promise<void>;
}

/** What `import('@mosaic/core/sandbox')` provides, as far as the harness is concerned. */
export interface SandboxModule {
  SandboxSupervisor: new (options?: { workers?: number; maxWarmInstallations?: number }) => Supervisor;
}

// A variable, so neither tsc nor the SDK's bundler tries to resolve core while building the SDK.
const CORE_SANDBOX = '@mosaic/core/sandbox';

async function importSandbox(): Promise<SandboxModule> {
  try {
    return (await import(CORE_SANDBOX)) as SandboxModule;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    throw new HarnessError(
      '@mosaic/sdk/testing runs plugins in the Mosaic sandbox, which comes with @mosaic/core: add it as a '
        + 'devDependency of your plugin (npm install --save-dev @mosaic/core), or build it in this repository '
        + `(npm run build -w @mosaic/core). Loading ${CORE_SANDBOX} failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/**
 * One supervisor (one sandbox worker process) for all harnesses of a test file, closed when the
 * last of them closes: forking a worker per test would cost more than most tests.
 */
let shared: { supervisor: Promise<Supervisor>; users: number } | undefined;

export interface SupervisorLease {
  supervisor: Supervisor;
  release(): Promise<void>;
}

export async function leaseSupervisor(module?: SandboxModule): Promise<SupervisorLease> {
  // A module passed in gets a supervisor of its own: it may be another copy of core.
  if (module) {
    const own = new module.SandboxSupervisor({ workers: 1, maxWarmInstallations: 8 });
    return { supervisor: own, release: () => own.close() };
  }
  const current = shared ?? (shared = {
    supervisor: importSandbox().then((m) => new m.SandboxSupervisor({ workers: 1, maxWarmInstallations: 16 })),
    users: 0,
  });
  current.users += 1;
  let supervisor: Supervisor;
  try {
    supervisor = await current.supervisor;
  } catch (error) {
    if (shared === current) shared = undefined;
    throw error;
  }
  let released = false;
  return {
    supervisor,
    release: async () => {
      if (released) return;
      released = true;
      current.users -= 1;
      if (current.users > 0) return;
      if (shared === current) shared = undefined;
      await supervisor.close();
    },
  };
}
