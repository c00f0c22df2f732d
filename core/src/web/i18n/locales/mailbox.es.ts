import type { mailboxEn } from './mailbox.en.js';

/** Spanish strings of the development mailbox page; typed against English. */
export const mailboxEs: typeof mailboxEn = {
  title: 'Buzón',
  lead: 'Correo que envió {{tenant}}, el más reciente primero. Esta página solo existe en servidores de desarrollo: desde aquí no se entrega correo.',
  empty: 'Todavía no hay correo.',
  to: 'Para',
  sent: 'Enviado',
  status: { queued: 'En la bandeja de salida', sent: 'Entregado por SMTP', failed: 'No se pudo entregar' },
};
