CREATE TABLE `plugin_storage_revisions` (
	`plugin_id` text PRIMARY KEY NOT NULL,
	`revision` integer NOT NULL
);
--> statement-breakpoint
CREATE TRIGGER `plugin_storage_revision_on_insert` AFTER INSERT ON `plugin_storage`
BEGIN
  INSERT INTO `plugin_storage_revisions` (`plugin_id`, `revision`) VALUES (new.`plugin_id`, 1)
    ON CONFLICT (`plugin_id`) DO UPDATE SET `revision` = `revision` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `plugin_storage_revision_on_update` AFTER UPDATE ON `plugin_storage`
BEGIN
  INSERT INTO `plugin_storage_revisions` (`plugin_id`, `revision`) VALUES (new.`plugin_id`, 1)
    ON CONFLICT (`plugin_id`) DO UPDATE SET `revision` = `revision` + 1;
  INSERT INTO `plugin_storage_revisions` (`plugin_id`, `revision`) SELECT old.`plugin_id`, 1 WHERE old.`plugin_id` <> new.`plugin_id`
    ON CONFLICT (`plugin_id`) DO UPDATE SET `revision` = `revision` + 1;
END;--> statement-breakpoint
CREATE TRIGGER `plugin_storage_revision_on_delete` AFTER DELETE ON `plugin_storage`
BEGIN
  INSERT INTO `plugin_storage_revisions` (`plugin_id`, `revision`) VALUES (old.`plugin_id`, 1)
    ON CONFLICT (`plugin_id`) DO UPDATE SET `revision` = `revision` + 1;
END;
