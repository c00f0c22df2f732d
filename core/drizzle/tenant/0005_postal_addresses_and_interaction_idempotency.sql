ALTER TABLE `accounts` ADD `address` text;--> statement-breakpoint
ALTER TABLE `customers` ADD `address` text;--> statement-breakpoint
ALTER TABLE `interactions` ADD `source_installation_id` text;--> statement-breakpoint
ALTER TABLE `interactions` ADD `idempotency_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `interactions_idempotency_uq` ON `interactions` (`source_installation_id`,`idempotency_key`);