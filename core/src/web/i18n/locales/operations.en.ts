/** English strings of the admin's service-operations pages: channels, queues, skills, SLA policies and calendars. */
export const operationsEn = {
  nav: { channels: 'Channels', queues: 'Queues', skills: 'Skills', slaPolicies: 'SLA policies', calendars: 'Business hours' },
};
