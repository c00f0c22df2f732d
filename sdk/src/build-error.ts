/** A build that cannot produce a plugin; `problems` are one line each, for the author to fix. */
export class PluginBuildError extends Error {
  constructor(readonly problems: string[]) {
    super(`Plugin build failed:\n  ${problems.join('\n  ')}`);
    this.name = 'PluginBuildError';
  }
}
