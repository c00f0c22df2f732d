CREATE TABLE `event_deliveries` (
	`event_id` text NOT NULL,
	`plugin_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_error` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`event_id`, `plugin_id`)
);
--> statement-breakpoint
CREATE INDEX `event_deliveries_due_idx` ON `event_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `plugin_storage` (
	`plugin_id` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`plugin_id`, `key`)
);
