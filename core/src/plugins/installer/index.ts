export { SecretVault, vaultFromEnv } from './vault.js';
export { validateConfig } from './config-validation.js';
export {
  findInstallation, findInstallationById, listInstallations, readSecrets, requireInstallation, secretNames, type Installation,
} from './installations.js';
export {
  configurePlugin, installPlugin, purgePluginData, rollbackPlugin, uninstallPlugin, upgradePlugin,
  type Actor, type InstallerDeps, type SchemaChange,
} from './lifecycle.js';
