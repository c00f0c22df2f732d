import type { portalEn } from './portal.en.js';

/** Spanish strings of the portal pages; typed against English so a missing key fails the build. */
export const portalEs: typeof portalEn = {
  title: 'Centro de ayuda',
};
