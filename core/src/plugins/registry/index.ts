export { createPublisher, requirePublisher, requirePublisherByRef, type Publisher } from './publishers.js';
export { publishVersion, readManifest, type PublishRequest } from './publish.js';
export { listCatalog, loadVersion, resolveVersion, type CatalogEntry, type LoadedVersion } from './catalog.js';
export { generatePublisherKeys, sha256Hex, signVersion, signingPayload, verifyVersion } from './signing.js';
