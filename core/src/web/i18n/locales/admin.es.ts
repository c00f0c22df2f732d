import type { adminEn } from './admin.en.js';

/** Spanish strings of the admin pages; typed against English so a missing key fails the build. */
export const adminEs: typeof adminEn = {
  title: 'Administración',
};
