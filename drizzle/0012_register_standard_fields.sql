CREATE TABLE `resource_downloads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`resource_id` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`resource_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `resource_downloads_created_idx` ON `resource_downloads` (`created_at`);--> statement-breakpoint
CREATE INDEX `resource_downloads_resource_idx` ON `resource_downloads` (`resource_id`);--> statement-breakpoint
ALTER TABLE `micro_credentials` ADD `field_of_study` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `micro_credentials` ADD `image_url` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `workshop_action_items` ADD `done_at` integer;