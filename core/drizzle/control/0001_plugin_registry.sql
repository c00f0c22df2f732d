CREATE TABLE `installation_secrets` (
	`installation_id` text NOT NULL,
	`name` text NOT NULL,
	`ciphertext` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`installation_id`, `name`),
	FOREIGN KEY (`installation_id`) REFERENCES `installations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `installations` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`plugin_id` text NOT NULL,
	`version` text NOT NULL,
	`previous_version` text,
	`status` text NOT NULL,
	`granted_scopes` text NOT NULL,
	`granted_egress` text NOT NULL,
	`config` text NOT NULL,
	`revision` integer NOT NULL,
	`installed_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`retain_data_until` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `installations_tenant_plugin_uq` ON `installations` (`tenant_id`,`plugin_id`);--> statement-breakpoint
CREATE TABLE `plugin_logs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`plugin_id` text NOT NULL,
	`level` text NOT NULL,
	`message` text NOT NULL,
	`data` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `plugin_logs_tenant_plugin_idx` ON `plugin_logs` (`tenant_id`,`plugin_id`,`at`);--> statement-breakpoint
CREATE TABLE `plugin_usage` (
	`tenant_id` text NOT NULL,
	`plugin_id` text NOT NULL,
	`hour` integer NOT NULL,
	`calls` integer NOT NULL,
	`failures` integer NOT NULL,
	`cpu_ms` integer NOT NULL,
	`wall_ms` integer NOT NULL,
	`fetches` integer NOT NULL,
	`fetch_bytes` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `plugin_id`, `hour`)
);
--> statement-breakpoint
CREATE TABLE `plugin_versions` (
	`plugin_id` text NOT NULL,
	`version` text NOT NULL,
	`publisher_id` text NOT NULL,
	`manifest` text NOT NULL,
	`bundle` text NOT NULL,
	`bundle_sha256` text NOT NULL,
	`signature` text NOT NULL,
	`published_at` integer NOT NULL,
	PRIMARY KEY(`plugin_id`, `version`),
	FOREIGN KEY (`publisher_id`) REFERENCES `publishers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `publishers` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`name` text NOT NULL,
	`public_key` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `publishers_handle_uq` ON `publishers` (`handle`);