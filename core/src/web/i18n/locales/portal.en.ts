/** English strings of the portal pages (the contract portal.es.ts follows). */
export const portalEn = {
  title: 'Help centre',
};
