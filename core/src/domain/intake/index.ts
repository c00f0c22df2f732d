export {
  authenticateChannel, createChannel, createChannelInput, disableChannel, getChannel, listChannels, rotateChannelSecret,
  type Channel, type ChannelCredentials, type ChannelKind, type ChannelView, type ChannelWithSecret,
} from './channels.js';
export { contactInput, normaliseHandle, resolvableContact, resolveCustomers, type ContactInput } from './identity.js';
export { e164 } from '../phone-numbers.js';
export { ingestInteractions, ingestRowInput, MAX_INGEST_ROWS, type IngestReport, type IngestRowError } from './ingest.js';
export { replyChannelOf, replyOnChannel, replyOnChannelInput } from './outbound.js';
export {
  parseCallEvent, parseChatEnd, parseChatMessage, parseChatStart, parseEmail, parsePortalSubmission, parseSms, parseSocial, parseVideoEvent,
} from './payloads.js';
export { portalChannel, receivePortalSubmission } from './portal.js';
export { receiveMessage, type InboundMessage, type IntakeResult, type IntakeTenant } from './receive.js';
