CREATE TABLE `resource_case_studies` (
	`resource_id` integer NOT NULL,
	`case_study_id` integer NOT NULL,
	FOREIGN KEY (`resource_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`case_study_id`) REFERENCES `case_studies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resource_case_studies_unique` ON `resource_case_studies` (`resource_id`,`case_study_id`);--> statement-breakpoint
CREATE INDEX `resource_case_studies_cs_idx` ON `resource_case_studies` (`case_study_id`);--> statement-breakpoint
CREATE TABLE `resource_tags` (
	`resource_id` integer NOT NULL,
	`tag` text NOT NULL,
	FOREIGN KEY (`resource_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resource_tags_unique` ON `resource_tags` (`resource_id`,`tag`);--> statement-breakpoint
CREATE INDEX `resource_tags_tag_idx` ON `resource_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `resource_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`resource_id` integer NOT NULL,
	`version_number` integer NOT NULL,
	`sha256` text NOT NULL,
	`original_name` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`uploaded_by_id` integer,
	`download_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`resource_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`sha256`) REFERENCES `stored_files`(`sha256`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resource_versions_number_unique` ON `resource_versions` (`resource_id`,`version_number`);--> statement-breakpoint
CREATE INDEX `resource_versions_sha_idx` ON `resource_versions` (`sha256`);--> statement-breakpoint
CREATE TABLE `resource_workshops` (
	`resource_id` integer NOT NULL,
	`workshop_id` integer NOT NULL,
	FOREIGN KEY (`resource_id`) REFERENCES `resources`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `resource_workshops_unique` ON `resource_workshops` (`resource_id`,`workshop_id`);--> statement-breakpoint
CREATE INDEX `resource_workshops_w_idx` ON `resource_workshops` (`workshop_id`);--> statement-breakpoint
CREATE TABLE `resources` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`kind` text NOT NULL,
	`authors` text DEFAULT '' NOT NULL,
	`organisation_id` integer,
	`published_on` integer,
	`summary` text DEFAULT '' NOT NULL,
	`licence` text DEFAULT '' NOT NULL,
	`visibility` text DEFAULT 'public' NOT NULL,
	`review_by` integer,
	`external_url` text,
	`uploaded_by_id` integer,
	`download_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`uploaded_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `resources_org_idx` ON `resources` (`organisation_id`);--> statement-breakpoint
CREATE INDEX `resources_created_idx` ON `resources` (`created_at`);--> statement-breakpoint
CREATE TABLE `stored_files` (
	`sha256` text PRIMARY KEY NOT NULL,
	`size` integer NOT NULL,
	`mime_type` text NOT NULL,
	`extracted_text` text,
	`extraction_error` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
