CREATE TABLE `case_participants` (
	`case_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`invited_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`case_id`, `agent_id`),
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_participants_agent_idx` ON `case_participants` (`agent_id`);--> statement-breakpoint
CREATE TABLE `queue_routing` (
	`queue_id` text PRIMARY KEY NOT NULL,
	`priority` integer DEFAULT 5 NOT NULL,
	`skills` text DEFAULT '[]' NOT NULL,
	`skill_drop_seconds` integer,
	`offer_timeout_seconds` integer DEFAULT 30 NOT NULL,
	`return_after_minutes` integer,
	`return_action` text DEFAULT 'REROUTE' NOT NULL,
	`fallback_queue_id` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`queue_id`) REFERENCES `queues`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`fallback_queue_id`) REFERENCES `queues`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `routing_channel_weights` (
	`channel` text PRIMARY KEY NOT NULL,
	`units` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `routing_decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`queue_id` text,
	`kind` text NOT NULL,
	`agent_id` text,
	`rule` text NOT NULL,
	`weight` integer NOT NULL,
	`required_skills` text NOT NULL,
	`dropped_skills` text NOT NULL,
	`candidates` text NOT NULL,
	`candidate_count` integer NOT NULL,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `routing_decisions_case_idx` ON `routing_decisions` (`case_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `routing_work_items` (
	`case_id` text PRIMARY KEY NOT NULL,
	`queue_id` text,
	`state` text NOT NULL,
	`weight` integer NOT NULL,
	`enqueued_at` integer NOT NULL,
	`agent_id` text,
	`offered_at` integer,
	`offer_expires_at` integer,
	`assigned_at` integer,
	`escalated_at` integer,
	`excluded_agent_ids` text DEFAULT '[]' NOT NULL,
	`version` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`queue_id`) REFERENCES `queues`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `routing_items_state_idx` ON `routing_work_items` (`state`,`enqueued_at`);--> statement-breakpoint
CREATE INDEX `routing_items_agent_idx` ON `routing_work_items` (`agent_id`,`state`);--> statement-breakpoint
CREATE INDEX `routing_items_expiry_idx` ON `routing_work_items` (`state`,`offer_expires_at`);--> statement-breakpoint
ALTER TABLE `agents` ADD `presence` text;--> statement-breakpoint
ALTER TABLE `agents` ADD `presence_since` integer;--> statement-breakpoint
ALTER TABLE `agents` ADD `idle_since` integer;