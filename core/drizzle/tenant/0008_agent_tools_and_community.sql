CREATE TABLE `agent_notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`agent_id` text NOT NULL,
	`kind` text NOT NULL,
	`case_id` text,
	`note_id` text,
	`created_at` integer NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`note_id`) REFERENCES `case_notes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `agent_notifications_agent_idx` ON `agent_notifications` (`agent_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `agent_notifications_unread_idx` ON `agent_notifications` (`agent_id`,`read_at`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `canned_responses` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `canned_responses_name_uq` ON `canned_responses` (`name`,`id`);--> statement-breakpoint
CREATE TABLE `case_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`author_agent_id` text,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_notes_case_idx` ON `case_notes` (`case_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `case_tags` (
	`case_id` text NOT NULL,
	`tag` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`case_id`, `tag`),
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_tags_tag_idx` ON `case_tags` (`tag`,`case_id`);--> statement-breakpoint
CREATE TABLE `community_forums` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `community_forums_name_uq` ON `community_forums` (`name`);--> statement-breakpoint
CREATE INDEX `community_forums_position_idx` ON `community_forums` (`position`,`id`);--> statement-breakpoint
CREATE TABLE `community_moderators` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `community_poll_options` (
	`id` text PRIMARY KEY NOT NULL,
	`poll_id` text NOT NULL,
	`label` text NOT NULL,
	`position` integer NOT NULL,
	FOREIGN KEY (`poll_id`) REFERENCES `community_polls`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `community_poll_options_poll_idx` ON `community_poll_options` (`poll_id`,`position`);--> statement-breakpoint
CREATE TABLE `community_poll_votes` (
	`poll_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`option_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`poll_id`, `customer_id`),
	FOREIGN KEY (`poll_id`) REFERENCES `community_polls`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`option_id`) REFERENCES `community_poll_options`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `community_poll_votes_option_idx` ON `community_poll_votes` (`option_id`);--> statement-breakpoint
CREATE TABLE `community_polls` (
	`id` text PRIMARY KEY NOT NULL,
	`thread_id` text NOT NULL,
	`question` text NOT NULL,
	`closes_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`thread_id`) REFERENCES `community_threads`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `community_polls_thread_uq` ON `community_polls` (`thread_id`);--> statement-breakpoint
CREATE TABLE `customer_tags` (
	`customer_id` text NOT NULL,
	`tag` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`customer_id`, `tag`),
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customer_tags_tag_idx` ON `customer_tags` (`tag`,`customer_id`);--> statement-breakpoint
CREATE TABLE `macros` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`actions` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `macros_name_uq` ON `macros` (`name`,`id`);--> statement-breakpoint
CREATE TABLE `scheduled_replies` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`agent_id` text,
	`channel` text NOT NULL,
	`subject` text,
	`body` text NOT NULL,
	`send_at` integer NOT NULL,
	`status` text NOT NULL,
	`interaction_id` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`cancelled_at` integer,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`interaction_id`) REFERENCES `interactions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scheduled_replies_due_idx` ON `scheduled_replies` (`status`,`send_at`,`id`);--> statement-breakpoint
CREATE INDEX `scheduled_replies_case_idx` ON `scheduled_replies` (`case_id`,`created_at`,`id`);--> statement-breakpoint
ALTER TABLE `community_posts` ADD `hidden_at` integer;--> statement-breakpoint
ALTER TABLE `community_threads` ADD `forum_id` text;--> statement-breakpoint
ALTER TABLE `community_threads` ADD `hidden_at` integer;--> statement-breakpoint
ALTER TABLE `community_threads` ADD `locked_at` integer;--> statement-breakpoint
ALTER TABLE `community_threads` ADD `accepted_post_id` text;--> statement-breakpoint
ALTER TABLE `community_threads` ADD `case_id` text;--> statement-breakpoint
CREATE INDEX `threads_forum_idx` ON `community_threads` (`forum_id`,`created_at`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `threads_case_uq` ON `community_threads` (`case_id`);