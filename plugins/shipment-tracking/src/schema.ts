/** The fields and types the plugin adds to a tenant's GraphQL schema, all under its namespace. */
export const schema = /* GraphQL */ `
  extend type Order {
    "The order's parcels as their carriers last reported them; empty before it ships. Never fails: see each shipment's stale and syncError."
    mosaic_shipmentTracking_shipments: [Mosaic_ShipmentTracking_Shipment!]!
  }

  extend type Customer {
    "Parcels of the customer's recent orders that are not delivered yet."
    mosaic_shipmentTracking_activeShipments: [Mosaic_ShipmentTracking_Shipment!]!
  }

  extend type Query {
    "A parcel by its carrier and tracking number, whether or not an order has it. Null only for a malformed number (with a BAD_USER_INPUT error), so other root fields of the request survive it."
    mosaic_shipmentTracking_track(carrier: Mosaic_ShipmentTracking_Carrier!, trackingNumber: String!): Mosaic_ShipmentTracking_Shipment
  }

  extend type Mutation {
    "Attaches a carrier's tracking number to an order and starts tracking it."
    mosaic_shipmentTracking_attachTrackingNumber(input: Mosaic_ShipmentTracking_AttachTrackingNumberInput!): Mosaic_ShipmentTracking_Shipment
  }

  input Mosaic_ShipmentTracking_AttachTrackingNumberInput {
    orderId: ID!
    carrier: Mosaic_ShipmentTracking_Carrier!
    "Parcelly: 8 to 40 letters and digits. ShipFast: SF and 8 to 20 digits."
    trackingNumber: String!
  }

  enum Mosaic_ShipmentTracking_Carrier {
    PARCELLY
    SHIPFAST
  }

  "One vocabulary for every carrier."
  enum Mosaic_ShipmentTracking_Status {
    LABEL_CREATED
    IN_TRANSIT
    OUT_FOR_DELIVERY
    DELIVERED
    DELAYED
    DELIVERY_FAILED
    LOST
    "The carrier has not said, or said something this plugin does not know."
    UNKNOWN
  }

  type Mosaic_ShipmentTracking_Coordinates {
    lat: Float!
    lon: Float!
  }

  type Mosaic_ShipmentTracking_Location {
    "The hub or depot."
    name: String!
    country: String!
    lat: Float!
    lon: Float!
  }

  type Mosaic_ShipmentTracking_TrackingEvent {
    at: DateTime!
    status: Mosaic_ShipmentTracking_Status!
    description: String!
    location: Mosaic_ShipmentTracking_Location
  }

  enum Mosaic_ShipmentTracking_SyncErrorCode {
    "The carrier did not answer or answered 5xx."
    CARRIER_UNAVAILABLE
    "The carrier answered 429; it is not asked again before retryAfterSeconds."
    CARRIER_RATE_LIMITED
    "The carrier refused the installation's credentials (PARCELLY_TOKEN, SHIPFAST_API_KEY)."
    CARRIER_AUTH_FAILED
    "The carrier answered in an unexpected shape."
    CARRIER_BAD_RESPONSE
    "The carrier has no parcel with this number (yet)."
    TRACKING_NUMBER_UNKNOWN
    "Not looked up in this request (per-request limits); ask again."
    SYNC_DEFERRED
  }

  "Why the shipment may not be current."
  type Mosaic_ShipmentTracking_SyncError {
    code: Mosaic_ShipmentTracking_SyncErrorCode!
    message: String!
    "When asking again makes sense, in seconds from now."
    retryAfterSeconds: Int
  }

  type Mosaic_ShipmentTracking_Shipment {
    carrier: Mosaic_ShipmentTracking_Carrier!
    trackingNumber: String!
    status: Mosaic_ShipmentTracking_Status!
    "When the carrier expects to deliver; the delivery time once delivered; null when lost or not known."
    eta: DateTime
    deliveredAt: DateTime
    lastLocation: Mosaic_ShipmentTracking_Location
    "The places the parcel passed, oldest first."
    path: [Mosaic_ShipmentTracking_Coordinates!]!
    "Oldest first."
    events: [Mosaic_ShipmentTracking_TrackingEvent!]!
    "When the carrier was last asked; null when it never answered."
    checkedAt: DateTime
    "True when the carrier could not be asked just now and this is the last known state."
    stale: Boolean!
    syncError: Mosaic_ShipmentTracking_SyncError
  }
`;
