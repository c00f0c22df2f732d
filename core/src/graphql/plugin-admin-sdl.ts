/** The plugin marketplace and a tenant admin's plugin operations. */
export const pluginAdminTypeDefs = /* GraphQL */ `
"""Any JSON value (plugin config, log data, JSON Schema)."""
scalar JSON

type PluginSecretSpec { name: String! description: String! }

type PluginVersion {
  pluginId: String!
  version: String!
  name: String!
  publisher: String!
  description: String!
  """What the plugin asks to be granted; shown to the admin before install."""
  scopes: [String!]!
  egress: [String!]!
  secrets: [PluginSecretSpec!]!
  events: [String!]!
  """JSON Schema of the config the plugin takes."""
  configSchema: JSON!
  schema: String
}

type MarketplacePlugin {
  pluginId: String!
  latest: PluginVersion!
  versions: [String!]!
}

type PluginInstallation {
  id: ID!
  pluginId: String!
  version: String!
  previousVersion: String
  status: String!
  grantedScopes: [String!]!
  grantedEgress: [String!]!
  config: JSON!
  """Names of the secrets that are set; values are never returned."""
  secretNames: [String!]!
  """Where each declared webhook receives signed requests (path on this server)."""
  webhookPaths: [String!]!
  installedAt: DateTime!
  updatedAt: DateTime!
  retainDataUntil: DateTime
}

type PluginLogEntry { level: String! message: String! data: JSON at: DateTime! }

type PluginUsage {
  hour: DateTime!
  calls: Int!
  failures: Int!
  cpuMs: Int!
  wallMs: Int!
  fetches: Int!
  fetchBytes: Int!
}

"""An event a plugin's handler failed on until it gave up; replay sends it again."""
type DeadLetter {
  eventId: ID!
  pluginId: String!
  eventType: String!
  payload: JSON
  attempts: Int!
  lastError: String
  failedAt: DateTime!
}

type ReplayDeadLetterPayload { eventId: ID! pluginId: String! }

extend type Query {
  deadLetters(pluginId: String, first: Int = 50): [DeadLetter!]!
  """Every published plugin with its versions."""
  marketplace: [MarketplacePlugin!]!
  pluginInstallations: [PluginInstallation!]!
  pluginLogs(pluginId: String!, first: Int = 50): [PluginLogEntry!]!
  pluginUsage(pluginId: String!): [PluginUsage!]!
}

input SecretValueInput { name: String! value: String! }
input PublishPluginVersionInput { publisherId: ID! manifest: String! bundle: String! signature: String! }
input InstallPluginInput {
  pluginId: String!
  """A semver range; the newest matching version is installed."""
  version: String = "*"
  grantScopes: [String!] = []
  grantEgress: [String!] = []
  config: JSON
  secrets: [SecretValueInput!] = []
}
input ConfigurePluginInput { pluginId: String! config: JSON secrets: [SecretValueInput!] }
input UpgradePluginInput { pluginId: String! version: String = "*" grantScopes: [String!] = [] grantEgress: [String!] = [] }

type PluginVersionPayload { version: PluginVersion! }
type PluginInstallationPayload { installation: PluginInstallation! }
type PurgePluginDataPayload { pluginId: String! deletedKeys: Int! }

extend type Mutation {
  """Publishes a signed version; the signature, checked against the publisher's key, authenticates it."""
  publishPluginVersion(input: PublishPluginVersionInput!): PluginVersionPayload
  installPlugin(input: InstallPluginInput!): PluginInstallationPayload
  configurePlugin(input: ConfigurePluginInput!): PluginInstallationPayload
  upgradePlugin(input: UpgradePluginInput!): PluginInstallationPayload
  rollbackPlugin(pluginId: String!): PluginInstallationPayload
  uninstallPlugin(pluginId: String!): PluginInstallationPayload
  purgePluginData(pluginId: String!): PurgePluginDataPayload
  replayDeadLetter(eventId: ID!, pluginId: String!): ReplayDeadLetterPayload
}
`;
