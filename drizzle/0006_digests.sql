CREATE TABLE `digest_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`digest_id` integer NOT NULL,
	`item_key` text NOT NULL,
	`section` text NOT NULL,
	`position` integer NOT NULL,
	`payload` text NOT NULL,
	FOREIGN KEY (`digest_id`) REFERENCES `digests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `digest_items_unique` ON `digest_items` (`digest_id`,`item_key`);--> statement-breakpoint
CREATE TABLE `digest_items_sent` (
	`user_id` integer NOT NULL,
	`item_key` text NOT NULL,
	`digest_id` integer NOT NULL,
	`sent_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`digest_id`) REFERENCES `digests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `digest_items_sent_unique` ON `digest_items_sent` (`user_id`,`item_key`);--> statement-breakpoint
CREATE TABLE `digest_recipients` (
	`digest_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`outbox_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`digest_id`) REFERENCES `digests`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`outbox_id`) REFERENCES `outbox`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `digest_recipients_unique` ON `digest_recipients` (`digest_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `digests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject` text NOT NULL,
	`intro_md` text DEFAULT '' NOT NULL,
	`intro_html` text DEFAULT '' NOT NULL,
	`since_at` integer NOT NULL,
	`audience` text DEFAULT '{"kind":"everyone"}' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`scheduled_for` integer,
	`automatic` integer DEFAULT false NOT NULL,
	`created_by_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `digests_status_idx` ON `digests` (`status`,`scheduled_for`);--> statement-breakpoint
ALTER TABLE `users` ADD `digest_frequency` text DEFAULT 'weekly' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `reply_notifications` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `workshop_announcements` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `email_bounced_at` integer;