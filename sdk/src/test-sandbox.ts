/**
 * The harness runs plugins in the platform's own sandbox, `@mosaic/sandbox`, loaded on first use
 * so that importing `@mosaic/sdk/testing` does not load isolated-vm's native module until a
 * harness is created.
 */
import type { SandboxSupervisor } from '@mosaic/sandbox';
import { HarnessError } from './test-errors.js';

export type { Invocation, InvocationMetrics, SandboxLimits } from '@mosaic/sandbox';

/** What `import('@mosaic/sandbox')` provides, as far as the harness is concerned. */
export type SandboxModule = Pick<typeof import('@mosaic/sandbox'), 'SandboxSupervisor'>;

type Supervisor = Pick<SandboxSupervisor, 'invoke' | 'close'>;

async function importSandbox(): Promise<SandboxModule> {
  try {
    return await import('@mosaic/sandbox');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
    throw new HarnessError(
      '@mosaic/sdk/testing runs plugins in the Mosaic sandbox, @mosaic/sandbox, which could not be loaded: '
        + 'reinstall your dependencies (npm install), or build it in this repository (npm run build -w @mosaic/sandbox). '
        + `Loading it failed: ${(error as Error).message}`,
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
