/** English strings of the development mailbox page (the contract mailbox.es.ts follows). */
export const mailboxEn = {
  title: 'Mailbox',
  lead: 'Mail {{tenant}} sent, newest first. This page exists on development servers only: mail is not delivered from here.',
  empty: 'No mail yet.',
  to: 'To',
  sent: 'Sent',
  status: { queued: 'In the outbox', sent: 'Delivered by SMTP', failed: 'Delivery failed' },
};
