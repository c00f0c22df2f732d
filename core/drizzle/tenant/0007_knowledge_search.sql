-- Full-text search over knowledge articles for the portal (a LIKE scan of every body is too slow
-- at tens of thousands of articles). An external-content FTS5 index: it stores only the index,
-- the text stays in knowledge_articles, and the triggers below keep both in step in the same
-- transaction as every write.
CREATE VIRTUAL TABLE `knowledge_articles_fts` USING fts5(title, body, content='knowledge_articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `knowledge_articles_fts_ai` AFTER INSERT ON `knowledge_articles` BEGIN
  INSERT INTO `knowledge_articles_fts`(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `knowledge_articles_fts_ad` AFTER DELETE ON `knowledge_articles` BEGIN
  INSERT INTO `knowledge_articles_fts`(`knowledge_articles_fts`, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
--> statement-breakpoint
CREATE TRIGGER `knowledge_articles_fts_au` AFTER UPDATE OF title, body ON `knowledge_articles` BEGIN
  INSERT INTO `knowledge_articles_fts`(`knowledge_articles_fts`, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
  INSERT INTO `knowledge_articles_fts`(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
--> statement-breakpoint
INSERT INTO `knowledge_articles_fts`(`knowledge_articles_fts`) VALUES ('rebuild');
--> statement-breakpoint
-- The portal lists published articles of one language newest first.
CREATE INDEX `articles_portal_idx` ON `knowledge_articles` (`status`,`locale`,`created_at`,`id`);
