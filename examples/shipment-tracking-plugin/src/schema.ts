/** The fields and types the plugin adds to a tenant's GraphQL schema, all under its namespace. */
export const schema = /* GraphQL */ `
  extend type Order {
    "Where the order's parcel is, according to the carrier; null before it ships or when the carrier cannot say."
    example_shipmentTracking_shipment: Example_ShipmentTracking_Shipment
  }

  enum Example_ShipmentTracking_Status {
    LABEL_CREATED
    IN_TRANSIT
    OUT_FOR_DELIVERY
    DELIVERED
    EXCEPTION
    "A status this plugin does not know yet."
    UNKNOWN
  }

  type Example_ShipmentTracking_Location {
    city: String!
    country: String!
    lat: Float!
    lng: Float!
  }

  type Example_ShipmentTracking_Event {
    at: DateTime!
    status: Example_ShipmentTracking_Status!
    description: String!
    location: Example_ShipmentTracking_Location
  }

  type Example_ShipmentTracking_Shipment {
    trackingNumber: String!
    carrier: String!
    status: Example_ShipmentTracking_Status!
    "When the carrier expects to deliver; the delivery time once delivered."
    eta: DateTime
    deliveredAt: DateTime
    lastLocation: Example_ShipmentTracking_Location
    "Oldest first."
    events: [Example_ShipmentTracking_Event!]!
    "When the carrier was asked; answers are reused for the configured cacheSeconds."
    checkedAt: DateTime!
  }
`;
