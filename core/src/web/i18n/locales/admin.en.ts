/** English strings of the admin pages (the contract admin.es.ts follows). */
export const adminEn = {
  title: 'Administration',
};
