CREATE TABLE `case_sla_targets` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`kind` text NOT NULL,
	`cycle` integer NOT NULL,
	`policy_id` text,
	`status` text NOT NULL,
	`minutes` integer NOT NULL,
	`business_hours` integer NOT NULL,
	`calendar_id` text,
	`started_at` integer NOT NULL,
	`active_since` integer,
	`consumed_ms` integer DEFAULT 0 NOT NULL,
	`due_at` integer,
	`warn_at` integer,
	`warned_at` integer,
	`hit_at` integer,
	`breached_at` integer,
	`breach_notified_at` integer,
	`completed_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `case_sla_targets_case_kind_cycle_uq` ON `case_sla_targets` (`case_id`,`kind`,`cycle`);--> statement-breakpoint
CREATE INDEX `case_sla_targets_due_idx` ON `case_sla_targets` (`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `case_sla_targets_warn_idx` ON `case_sla_targets` (`status`,`warned_at`,`warn_at`);--> statement-breakpoint
CREATE INDEX `case_sla_targets_breach_idx` ON `case_sla_targets` (`status`,`breach_notified_at`);--> statement-breakpoint
CREATE TABLE `sla_calendars` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`time_zone` text NOT NULL,
	`periods` text NOT NULL,
	`holidays` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sla_calendars_name_uq` ON `sla_calendars` (`name`);--> statement-breakpoint
CREATE INDEX `sla_calendars_created_idx` ON `sla_calendars` (`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `sla_escalations` (
	`id` text PRIMARY KEY NOT NULL,
	`case_id` text NOT NULL,
	`target_id` text NOT NULL,
	`event` text NOT NULL,
	`action` text NOT NULL,
	`detail` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sla_escalations_case_idx` ON `sla_escalations` (`case_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `sla_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`conditions` text NOT NULL,
	`calendar_id` text,
	`targets` text NOT NULL,
	`warn_percent` integer DEFAULT 15 NOT NULL,
	`warn_minutes` integer,
	`escalations` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`calendar_id`) REFERENCES `sla_calendars`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sla_policies_name_uq` ON `sla_policies` (`name`);--> statement-breakpoint
CREATE INDEX `sla_policies_position_idx` ON `sla_policies` (`position`,`id`);