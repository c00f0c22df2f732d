import type { consoleEn } from './console.en.js';

/** Spanish strings of the console pages; typed against English so a missing key fails the build. */
export const consoleEs: typeof consoleEn = {
  title: 'Consola de agentes',
};
