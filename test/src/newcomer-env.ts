/**
 * The environment of a person's shell, for commands a test runs as that person would. What
 * `npm test` inherits from npm, turbo and vitest (npm_config_*, NODE_ENV=test, ...) would steer
 * the npm, node and vitest the test starts; a newcomer's shell has none of it.
 */
export function newcomerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = /^(npm_|VITEST|TURBO_)|^(INIT_CWD|NODE_ENV|NODE_OPTIONS)$/i;
  return { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !inherited.test(k))), ...extra };
}
