/** The plugin marketplace and a tenant admin's plugin operations. Admin keys only. */
export const pluginAdminTypeDefs = /* GraphQL */ `
"""Any JSON value (plugin config, log data, JSON Schema)."""
scalar JSON @specifiedBy(url: "https://ecma-international.org/publications-and-standards/standards/ecma-404/")

"""A secret a plugin needs, such as an API token for the service it talks to."""
type PluginSecretSpec {
  """The secret's name, as given to installPlugin's secrets."""
  name: String!
  """What the secret is for."""
  description: String!
}

"""One published version of a plugin, as its manifest declares it."""
type PluginVersion {
  """The plugin's id, such as acme.shipment-tracking."""
  pluginId: String!
  """The version (semver)."""
  version: String!
  """The plugin's display name."""
  name: String!
  """Who publishes it."""
  publisher: String!
  """What the plugin does."""
  description: String!
  """What the plugin asks to be granted; shown to the admin before install."""
  scopes: [String!]!
  """The hosts the plugin asks to reach."""
  egress: [String!]!
  """The secrets the plugin needs."""
  secrets: [PluginSecretSpec!]!
  """The events the plugin handles, such as order.created."""
  events: [String!]!
  """JSON Schema of the config the plugin takes."""
  configSchema: JSON!
  """The SDL the plugin adds to the tenant's schema, if any."""
  schema: String
}

"""A plugin in the marketplace."""
type MarketplacePlugin {
  """The plugin's id."""
  pluginId: String!
  """Its newest version."""
  latest: PluginVersion!
  """Every published version, newest first."""
  versions: [String!]!
}

"""Whether an installation is in use."""
enum PluginInstallationStatus {
  """Installed: its fields, handlers and webhooks run."""
  ACTIVE
  """Uninstalled: nothing runs; its data is kept until retainDataUntil or purgePluginData."""
  UNINSTALLED
}

"""A plugin installed in the tenant."""
type PluginInstallation implements Node {
  """The global id, fetchable through Query.node by admins."""
  id: ID!
  """The plugin's id."""
  pluginId: String!
  """The installed version."""
  version: String!
  """The version before the last upgrade, which rollbackPlugin returns to."""
  previousVersion: String
  """Whether the installation is in use."""
  status: PluginInstallationStatus!
  """The scopes the admin granted."""
  grantedScopes: [String!]!
  """The hosts the admin allowed the plugin to reach."""
  grantedEgress: [String!]!
  """The plugin's config."""
  config: JSON!
  """Names of the secrets that are set; values are never returned."""
  secretNames: [String!]!
  """Where each declared webhook receives signed requests (path on this server)."""
  webhookPaths: [String!]!
  """When it was installed."""
  installedAt: DateTime!
  """When it last changed."""
  updatedAt: DateTime!
  """Until when an uninstalled plugin's data is kept."""
  retainDataUntil: DateTime
}

"""How serious a plugin's log line is."""
enum PluginLogLevel {
  """Detail for debugging."""
  DEBUG
  """Normal operation."""
  INFO
  """Something unexpected the plugin recovered from."""
  WARN
  """A failure."""
  ERROR
}

"""A line a plugin (or the host about the plugin) logged."""
type PluginLogEntry {
  """How serious it is."""
  level: PluginLogLevel!
  """The message (up to 1000 characters)."""
  message: String!
  """Structured detail (up to 4 KiB of JSON)."""
  data: JSON
  """When it was logged."""
  at: DateTime!
}

"""A plugin's use of resources in one hour."""
type PluginUsage {
  """The start of the hour."""
  hour: DateTime!
  """How many calls into the plugin."""
  calls: Int!
  """How many of them failed."""
  failures: Int!
  """CPU time spent in the plugin, in milliseconds."""
  cpuMs: Int!
  """Wall-clock time spent in the plugin, in milliseconds."""
  wallMs: Int!
  """How many outbound requests it made."""
  fetches: Int!
  """How many bytes those requests received."""
  fetchBytes: Int!
}

"""An event a plugin's handler failed on until it gave up; replay sends it again."""
type DeadLetter {
  """The event's id."""
  eventId: ID!
  """The plugin whose handler failed."""
  pluginId: String!
  """The event's type, such as order.created."""
  eventType: String!
  """The event's payload."""
  payload: JSON
  """How many times delivery was tried."""
  attempts: Int!
  """The last failure's message."""
  lastError: String
  """When delivery was given up."""
  failedAt: DateTime!
}

"""The result of replaying a dead letter."""
type ReplayDeadLetterPayload {
  """The event sent again."""
  eventId: ID!
  """The plugin it was sent to."""
  pluginId: String!
}

extend type Query {
  """Events plugins' handlers gave up on, newest first. Admin only."""
  deadLetters(
    """Only this plugin's."""
    pluginId: String
    """How many (1 to 500; default 50)."""
    first: Int = 50
  ): [DeadLetter!]!
  """Every published plugin with its versions. Admin only."""
  marketplace: [MarketplacePlugin!]!
  """The tenant's plugin installations, uninstalled ones included, oldest first. Admin only."""
  pluginInstallations: [PluginInstallation!]!
  """A plugin's log, newest first. Admin only."""
  pluginLogs(
    """The plugin's id."""
    pluginId: String!
    """How many lines (1 to 500; default 50)."""
    first: Int = 50
  ): [PluginLogEntry!]!
  """A plugin's hourly usage, newest first, for up to 31 days. Admin only."""
  pluginUsage(
    """The plugin's id."""
    pluginId: String!
  ): [PluginUsage!]!
}

"""A secret's value."""
input SecretValueInput {
  """The secret's name, as the manifest declares it (up to 64 characters)."""
  name: String!
  """The value (up to 4096 characters); stored encrypted, never returned."""
  value: String!
}
"""A plugin version to publish."""
input PublishPluginVersionInput {
  """The publisher's id."""
  publisherId: ID!
  """The manifest, as JSON text (up to 200000 characters)."""
  manifest: String!
  """The built bundle (up to 5 MiB)."""
  bundle: String!
  """The publisher's signature over manifest and bundle."""
  signature: String!
}
"""A plugin to install and what to grant it."""
input InstallPluginInput {
  """The plugin's id (up to 64 characters)."""
  pluginId: String!
  """A semver range; the newest matching version is installed."""
  version: String = "*"
  """The scopes granted; must cover what the version asks for."""
  grantScopes: [String!] = []
  """The hosts granted; must cover what the version asks for."""
  grantEgress: [String!] = []
  """The config, valid against the version's configSchema."""
  config: JSON
  """Values for the secrets the version needs."""
  secrets: [SecretValueInput!] = []
}
"""New config or secrets for an installed plugin."""
input ConfigurePluginInput {
  """The plugin's id."""
  pluginId: String!
  """The new config, replacing the old one; unchanged when left out."""
  config: JSON
  """Secret values to set; others are kept."""
  secrets: [SecretValueInput!]
}
"""A plugin to move to another version."""
input UpgradePluginInput {
  """The plugin's id."""
  pluginId: String!
  """A semver range; the newest matching version is installed."""
  version: String = "*"
  """The scopes granted; must cover what the new version asks for."""
  grantScopes: [String!] = []
  """The hosts granted; must cover what the new version asks for."""
  grantEgress: [String!] = []
}

"""The result of publishing a plugin version."""
type PluginVersionPayload {
  """The version published."""
  version: PluginVersion!
}
"""The result of changing a plugin installation."""
type PluginInstallationPayload {
  """The installation as it is now."""
  installation: PluginInstallation!
}
"""The result of purging an uninstalled plugin's data."""
type PurgePluginDataPayload {
  """The plugin's id."""
  pluginId: String!
  """How many storage keys were deleted."""
  deletedKeys: Int!
}

extend type Mutation {
  """Publishes a signed version; the signature, checked against the publisher's key, authenticates it."""
  publishPluginVersion(
    """The version to publish."""
    input: PublishPluginVersionInput!
  ): PluginVersionPayload
  """Installs a plugin in the tenant. Admin only."""
  installPlugin(
    """The plugin and what to grant it."""
    input: InstallPluginInput!
  ): PluginInstallationPayload
  """Changes an installed plugin's config or secrets. Admin only."""
  configurePlugin(
    """The new config or secrets."""
    input: ConfigurePluginInput!
  ): PluginInstallationPayload
  """Moves an installed plugin to another version. Admin only."""
  upgradePlugin(
    """The plugin and the version range."""
    input: UpgradePluginInput!
  ): PluginInstallationPayload
  """Returns an installed plugin to the version before its last upgrade. Admin only."""
  rollbackPlugin(
    """The plugin's id."""
    pluginId: String!
  ): PluginInstallationPayload
  """Uninstalls a plugin; its data is kept until retainDataUntil. Admin only."""
  uninstallPlugin(
    """The plugin's id."""
    pluginId: String!
  ): PluginInstallationPayload
  """Deletes an uninstalled plugin's stored data now. Admin only."""
  purgePluginData(
    """The plugin's id."""
    pluginId: String!
  ): PurgePluginDataPayload
  """Sends a dead letter to the plugin's handler again. Admin only."""
  replayDeadLetter(
    """The event's id."""
    eventId: ID!
    """The plugin whose handler gave up."""
    pluginId: String!
  ): ReplayDeadLetterPayload
}
`;
