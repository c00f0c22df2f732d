/**
 * Live updates: the tenant's committed changes, streamed over Server-Sent Events (send the
 * operation with `Accept: text/event-stream`, by POST or GET). Each field checks its id before the
 * stream starts; payloads resolve like query results, plugin fields included.
 */
export const subscriptionTypeDefs = /* GraphQL */ `
"""Live updates over Server-Sent Events (Accept: text/event-stream). Each open subscription takes a slot: MOSAIC_MAX_SUBSCRIPTIONS_PER_TENANT and MOSAIC_MAX_SUBSCRIPTIONS_PER_KEY bound them (TOO_MANY_SUBSCRIPTIONS past that); closing the stream frees it."""
type Subscription {
  """Each interaction recorded, case opened and order placed for the customer from now on, as it is committed. NOT_FOUND (and no stream) when the customer does not exist."""
  timelineItemAdded(
    """The customer's global id."""
    customerId: ID!
  ): TimelineItem!
  """Each case opened or changed, and each interaction added to a case, from now on; only that case's when caseId is given. NOT_FOUND (and no stream) when that case does not exist."""
  caseUpdated(
    """The case's global id; omit it to follow every case of the tenant."""
    caseId: ID
  ): Case!
}
`;
