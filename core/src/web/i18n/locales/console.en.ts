/** English strings of the console pages (the contract console.es.ts follows). */
export const consoleEn = {
  title: 'Agent console',
};
