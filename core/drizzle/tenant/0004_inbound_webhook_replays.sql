CREATE TABLE `inbound_webhook_replays` (
	`installation_id` text NOT NULL,
	`signature_digest` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`installation_id`, `signature_digest`)
);
--> statement-breakpoint
CREATE INDEX `inbound_webhook_replays_expiry_idx` ON `inbound_webhook_replays` (`expires_at`);