CREATE TABLE `cost_buckets` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`points` real NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `live_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` text NOT NULL,
	`node_id` text NOT NULL,
	`event` blob NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `live_events_at_idx` ON `live_events` (`at`);