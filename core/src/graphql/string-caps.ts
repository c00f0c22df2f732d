/**
 * How long a String or ID argument (or input field, at any depth) may be, in characters as
 * JavaScript counts them (UTF-16 units, as the domain's zod schemas count). Checked before any
 * resolver runs, so no over-long value reaches a LIKE pattern, a log line or an error message.
 * The domain's zod schemas narrow many fields further (a case subject is 300); these are the
 * ceilings for everything, plugin-contributed fields included. Listed in README.md.
 */
export const STRING_CAPS = {
  /** Any String not named below: names, filters, search terms, semver ranges, ... */
  String: 1_000,
  /** Any ID: global ids are about 60 characters. */
  ID: 200,
} as const;

/**
 * Longer or shorter caps, by schema coordinate (`Type.field` for an input field,
 * `Type.field(arg:)` for an argument) or by a field's or argument's name anywhere.
 */
export const NAMED_STRING_CAPS: ReadonlyMap<string, number> = new Map(Object.entries({
  // Cursors carry the sort value (a name of up to 200 characters) and an id, base64url-encoded.
  after: 2_000,
  before: 2_000,
  // Plugin ids are at most 64 characters (the manifest's rule), hostnames 253; scope and secret
  // names are short. Errors name what was not granted or declared, so these bound the echo too.
  pluginId: 64,
  // A semver range; semver itself refuses versions over 256 characters.
  version: 256,
  grantScopes: 64,
  grantEgress: 253,
  'SecretValueInput.name': 64,
  'CreateCaseInput.description': 20_000,
  'UpdateCaseInput.description': 20_000,
  'AddInteractionInput.body': 100_000,
  // Replies and imported messages are interactions too; a CSAT comment is a rating's comment.
  'ReplyOnChannelInput.body': 100_000,
  'IngestInteractionInput.body': 100_000,
  'RateCaseInput.comment': 2_000,
  'CreateKnowledgeArticleInput.body': 200_000,
  'UpdateKnowledgeArticleInput.body': 200_000,
  'RateKnowledgeArticleInput.comment': 2_000,
  'CreateCommunityThreadInput.body': 50_000,
  'CreateCommunityPostInput.body': 50_000,
  'AddCaseNoteInput.body': 20_000,
  'CreateCannedResponseInput.body': 10_000,
  'UpdateCannedResponseInput.body': 10_000,
  'MacroActionInput.body': 20_000,
  'ScheduleReplyInput.body': 20_000,
  'SecretValueInput.value': 4_096,
  'PublishPluginVersionInput.manifest': 200_000,
  // The registry refuses bundles over 5 MiB of UTF-8; a character is at least one byte.
  'PublishPluginVersionInput.bundle': 5 * 1024 * 1024,
}));

/** The cap of a string at `coordinate`, named `name`, of scalar type `scalar` (String or ID). */
export function stringCap(coordinate: string, name: string, scalar: string): number {
  return NAMED_STRING_CAPS.get(coordinate) ?? NAMED_STRING_CAPS.get(name) ?? (scalar === 'ID' ? STRING_CAPS.ID : STRING_CAPS.String);
}
