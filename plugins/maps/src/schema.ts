/** The fields and types the plugin adds to a tenant's GraphQL schema, all under its namespace. */
export const schema = /* GraphQL */ `
  extend type Customer {
    "Where the customer's postal address is; null without an address, when the geocoder does not know it, or cannot be asked right now."
    mosaic_maps_location: Mosaic_Maps_Location
    "The service locations configured for this installation nearest to the customer, nearest first; null while the customer's location is unknown."
    mosaic_maps_nearestServiceLocations("How many (1 to 50)." first: Int = 3): [Mosaic_Maps_ServiceLocation!]
  }

  extend type Account {
    "Where the company's postal address is; null without an address or when it cannot be placed."
    mosaic_maps_location: Mosaic_Maps_Location
  }

  extend type Order {
    "What to draw for the order: the customer's location and, with shipment tracking installed, where the parcel is and the way it came."
    mosaic_maps_route: Mosaic_Maps_Route
  }

  "How exactly a location places an address."
  enum Mosaic_Maps_Precision {
    "The building."
    ADDRESS
    "The street."
    STREET
    "The postal code's area."
    POSTCODE
    "The city or town (what a city-level geocoder gives)."
    CITY
    "The state, province or county."
    REGION
    "The country."
    COUNTRY
  }

  "A point on Earth for an address, in decimal degrees (WGS 84)."
  type Mosaic_Maps_Location {
    lat: Float!
    lon: Float!
    precision: Mosaic_Maps_Precision!
    "Where the point comes from, e.g. the geocoder and the place it matched."
    source: String!
  }

  "A configured service location and its great-circle distance from the customer."
  type Mosaic_Maps_ServiceLocation {
    name: String!
    lat: Float!
    lon: Float!
    distanceKm: Float!
  }

  type Mosaic_Maps_Point {
    lat: Float!
    lon: Float!
  }

  enum Mosaic_Maps_MarkerKind {
    "The customer's address."
    CUSTOMER
    "Where a shipment of the order was last seen."
    SHIPMENT
  }

  type Mosaic_Maps_Marker {
    kind: Mosaic_Maps_MarkerKind!
    label: String!
    "A SHIPMENT marker's status as shipment tracking reports it (e.g. IN_TRANSIT, DELAYED); null for the customer."
    status: String
    lat: Float!
    lon: Float!
  }

  type Mosaic_Maps_Bounds {
    south: Float!
    west: Float!
    north: Float!
    east: Float!
  }

  type Mosaic_Maps_Route {
    markers: [Mosaic_Maps_Marker!]!
    "The path of the order's latest shipment that has one, oldest point first; empty without shipment data."
    path: [Mosaic_Maps_Point!]!
    "A box around everything drawn; null when nothing can be placed."
    bounds: Mosaic_Maps_Bounds
  }
`;
