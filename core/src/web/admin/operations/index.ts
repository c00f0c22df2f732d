/** The admin's service-operations pages: inbound channels, queues and their routing, skills, SLA policies and business hours. */
export { channelRoutes } from './channels.js';
export { queueRoutes } from './queues.js';
export { skillRoutes } from './skills.js';
export { slaPolicyRoutes } from './sla-policies.js';
export { calendarRoutes } from './calendars.js';
