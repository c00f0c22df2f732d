import type { operationsEn } from './operations.en.js';

/** Spanish strings of the admin's service-operations pages; typed against English so a missing key fails the build. */
export const operationsEs: typeof operationsEn = {
  nav: { channels: 'Canales', queues: 'Colas', skills: 'Habilidades', slaPolicies: 'Políticas de SLA', calendars: 'Horario laboral' },
};
