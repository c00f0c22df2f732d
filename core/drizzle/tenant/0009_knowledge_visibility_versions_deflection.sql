-- Knowledge articles get a visibility (DRAFT / INTERNAL / PUBLIC) instead of a status, a stored
-- helpfulness (the Wilson lower bound of their votes) for ranking, versions, links to cases, and
-- the visitor activity deflection is computed from. Columns are added and dropped in place (no
-- table rebuild): the full-text index follows the articles' rowids, which must not change.
ALTER TABLE `knowledge_articles` ADD `visibility` text DEFAULT 'DRAFT' NOT NULL;--> statement-breakpoint
ALTER TABLE `knowledge_articles` ADD `helpfulness` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `knowledge_articles` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `knowledge_articles` ADD `created_by` text;--> statement-breakpoint
-- Published articles become public; drafts and archived (withdrawn) ones stay with their authors.
UPDATE `knowledge_articles` SET `visibility` = CASE `status` WHEN 'PUBLISHED' THEN 'PUBLIC' ELSE 'DRAFT' END;--> statement-breakpoint
-- The lower bound of the 95 % Wilson interval (z = 1.96) of the counts kept so far.
UPDATE `knowledge_articles` SET `helpfulness` = (
  (`helpful_count` * 1.0 / (`helpful_count` + `not_helpful_count`)) + 3.8415 / (2.0 * (`helpful_count` + `not_helpful_count`))
  - 1.95996 * sqrt(((`helpful_count` * 1.0 / (`helpful_count` + `not_helpful_count`)) * (1.0 - `helpful_count` * 1.0 / (`helpful_count` + `not_helpful_count`))
      + 3.8415 / (4.0 * (`helpful_count` + `not_helpful_count`))) / (`helpful_count` + `not_helpful_count`))
) / (1.0 + 3.8415 / (`helpful_count` + `not_helpful_count`))
WHERE `helpful_count` + `not_helpful_count` > 0;--> statement-breakpoint
DROP INDEX IF EXISTS `articles_status_idx`;--> statement-breakpoint
DROP INDEX IF EXISTS `articles_portal_idx`;--> statement-breakpoint
ALTER TABLE `knowledge_articles` DROP COLUMN `status`;--> statement-breakpoint
CREATE INDEX `articles_visibility_idx` ON `knowledge_articles` (`visibility`,`locale`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `knowledge_article_versions` (
	`article_id` text NOT NULL,
	`version` integer NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`visibility` text NOT NULL,
	`locale` text NOT NULL,
	`tags` text NOT NULL,
	`author` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`article_id`, `version`),
	FOREIGN KEY (`article_id`) REFERENCES `knowledge_articles`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- Every existing article starts its history as version 1.
INSERT INTO `knowledge_article_versions` (`article_id`, `version`, `title`, `body`, `visibility`, `locale`, `tags`, `author`, `created_at`)
  SELECT `id`, 1, `title`, `body`, `visibility`, `locale`, `tags`, NULL, `updated_at` FROM `knowledge_articles`;--> statement-breakpoint
CREATE TABLE `case_articles` (
	`case_id` text NOT NULL,
	`article_id` text NOT NULL,
	`linked_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`case_id`, `article_id`),
	FOREIGN KEY (`case_id`) REFERENCES `cases`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`article_id`) REFERENCES `knowledge_articles`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_articles_article_idx` ON `case_articles` (`article_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `knowledge_activity` (
	`id` integer PRIMARY KEY NOT NULL,
	`visitor` text NOT NULL,
	`customer_id` text,
	`kind` text NOT NULL,
	`article_id` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `knowledge_activity_at_idx` ON `knowledge_activity` (`at`);--> statement-breakpoint
CREATE INDEX `knowledge_activity_visitor_idx` ON `knowledge_activity` (`visitor`,`kind`,`at`);
