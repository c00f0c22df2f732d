/** Synthetic tenant data for demos, load tests and benchmarks. */
export { seedTenant, type SeedOptions, type SeedProgress, type SeedSummary } from './generate.js';
