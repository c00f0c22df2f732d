CREATE TABLE `case_surveys` (
	`case_id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`rating` integer NOT NULL,
	`comment` text,
	`answered_at` integer NOT NULL,
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_surveys_answered_idx` ON `case_surveys` (`answered_at`);--> statement-breakpoint
ALTER TABLE `cases` ADD `solved_at` integer;--> statement-breakpoint
CREATE INDEX `cases_solved_idx` ON `cases` (`solved_at`);--> statement-breakpoint
UPDATE `cases` SET `solved_at` = `updated_at` WHERE `status` IN ('SOLVED', 'CLOSED');--> statement-breakpoint
CREATE TRIGGER `cases_solved_at_on_status` AFTER UPDATE OF `status` ON `cases`
WHEN (new.`status` IN ('SOLVED', 'CLOSED')) <> (old.`status` IN ('SOLVED', 'CLOSED'))
BEGIN
  UPDATE `cases` SET `solved_at` = CASE WHEN new.`status` IN ('SOLVED', 'CLOSED') THEN new.`updated_at` ELSE NULL END WHERE `id` = new.`id`;
END;--> statement-breakpoint
CREATE TRIGGER `cases_solved_at_on_insert` AFTER INSERT ON `cases`
WHEN new.`status` IN ('SOLVED', 'CLOSED') AND new.`solved_at` IS NULL
BEGIN
  UPDATE `cases` SET `solved_at` = new.`updated_at` WHERE `id` = new.`id`;
END;
