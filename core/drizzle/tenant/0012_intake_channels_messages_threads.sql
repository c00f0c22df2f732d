CREATE TABLE `channel_messages` (
	`channel_id` text NOT NULL,
	`external_id` text NOT NULL,
	`interaction_id` text NOT NULL,
	`case_id` text,
	`visibility` text,
	`details` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`channel_id`, `external_id`),
	FOREIGN KEY (`interaction_id`) REFERENCES `interactions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `channel_messages_interaction_idx` ON `channel_messages` (`interaction_id`);--> statement-breakpoint
CREATE INDEX `channel_messages_case_idx` ON `channel_messages` (`case_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `channel_threads` (
	`channel_id` text NOT NULL,
	`thread_key` text NOT NULL,
	`case_id` text NOT NULL,
	`interaction_id` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`channel_id`, `thread_key`),
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `channel_threads_case_idx` ON `channel_threads` (`case_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `channels` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`default_queue_id` text,
	`region` text,
	`secret_ciphertext` text NOT NULL,
	`disabled_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`default_queue_id`) REFERENCES `queues`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `channels_created_idx` ON `channels` (`created_at`,`id`);