/**
 * Skills-and-capacity routing (queues' routing configuration, presence, offers, return timers),
 * modelled on Omni-Channel's routing configuration. Use-cases take the clock as `now` so tests
 * and the periodic sweep decide time, not the wall clock.
 */
export {
  configureQueueRouting, setChannelWeights, getQueueRouting, listQueueRoutings, loadChannelWeights, queueRoutingInput, channelWeightsInput,
  DEFAULT_CHANNEL_WEIGHTS, type QueueRouting, type ChannelWeights,
} from './config.js';
export { setPresence, setPresenceInput, presenceOf, presenceFields, PRESENCE_OF_STATUS, STATUS_OF_PRESENCE, type Presence } from './presence.js';
export { acceptOffer, declineOffer, declineInput, DECLINE_REASONS } from './offers.js';
export { transferCase, releaseCase, inviteExpert, participantsOf, transferInput, type CaseParticipant } from './handoffs.js';
export { assignCaseNow, enqueueNewCases, offerWaitingItems, offersOf, getWorkItem, type WorkItem, type OfferRound } from './router.js';
export { listDecisions, offerDecision, type RoutingDecision } from './decisions.js';
export { sweepRouting, expireOffers, returnSilentAssignments, type SweepReport } from './timers.js';
export { RoutingSweeper, type RoutingSweeperOptions } from './sweeper.js';
export { rankCandidates, requirementsAfterWait, type CandidateAgent, type SkillRequirement, type RoutingRule } from './ranking.js';
export { loadCandidates, loadsOf } from './store.js';
