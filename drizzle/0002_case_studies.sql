CREATE TABLE `case_studies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`lead_organisation_id` integer NOT NULL,
	`status` text DEFAULT 'proposed' NOT NULL,
	`starts_on` integer,
	`ends_on` integer,
	`funder` text DEFAULT '' NOT NULL,
	`funding_notes` text DEFAULT '' NOT NULL,
	`target_audience` text DEFAULT '' NOT NULL,
	`problem` text DEFAULT '' NOT NULL,
	`solution` text DEFAULT '' NOT NULL,
	`delivery` text DEFAULT '' NOT NULL,
	`lessons_learned` text DEFAULT '' NOT NULL,
	`body_md` text DEFAULT '' NOT NULL,
	`body_html` text DEFAULT '' NOT NULL,
	`visibility` text DEFAULT 'public' NOT NULL,
	`published_at` integer,
	`created_by_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`lead_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `case_studies_slug_unique` ON `case_studies` (`slug`);--> statement-breakpoint
CREATE INDEX `case_studies_published_idx` ON `case_studies` (`published_at`);--> statement-breakpoint
CREATE INDEX `case_studies_lead_idx` ON `case_studies` (`lead_organisation_id`);--> statement-breakpoint
CREATE TABLE `case_study_managers` (
	`case_study_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	FOREIGN KEY (`case_study_id`) REFERENCES `case_studies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `case_study_managers_unique` ON `case_study_managers` (`case_study_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `case_study_managers_user_idx` ON `case_study_managers` (`user_id`);--> statement-breakpoint
CREATE TABLE `case_study_outcomes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_study_id` integer NOT NULL,
	`label` text NOT NULL,
	`value` real,
	`unit` text DEFAULT '' NOT NULL,
	`as_of` integer,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`case_study_id`) REFERENCES `case_studies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `case_study_outcomes_cs_idx` ON `case_study_outcomes` (`case_study_id`);--> statement-breakpoint
CREATE TABLE `case_study_partners` (
	`case_study_id` integer NOT NULL,
	`organisation_id` integer NOT NULL,
	FOREIGN KEY (`case_study_id`) REFERENCES `case_studies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `case_study_partners_unique` ON `case_study_partners` (`case_study_id`,`organisation_id`);--> statement-breakpoint
CREATE INDEX `case_study_partners_org_idx` ON `case_study_partners` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `case_study_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_study_id` integer NOT NULL,
	`editor_id` integer,
	`snapshot` text NOT NULL,
	`changed_fields` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`case_study_id`) REFERENCES `case_studies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`editor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `case_study_revisions_cs_idx` ON `case_study_revisions` (`case_study_id`);--> statement-breakpoint
CREATE TABLE `case_study_tags` (
	`case_study_id` integer NOT NULL,
	`tag` text NOT NULL,
	FOREIGN KEY (`case_study_id`) REFERENCES `case_studies`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `case_study_tags_unique` ON `case_study_tags` (`case_study_id`,`tag`);--> statement-breakpoint
CREATE INDEX `case_study_tags_tag_idx` ON `case_study_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `micro_credential_stacking` (
	`micro_credential_id` integer NOT NULL,
	`qualification_id` integer NOT NULL,
	`credits` integer NOT NULL,
	FOREIGN KEY (`micro_credential_id`) REFERENCES `micro_credentials`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`qualification_id`) REFERENCES `qualifications`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `micro_credential_stacking_unique` ON `micro_credential_stacking` (`micro_credential_id`,`qualification_id`);--> statement-breakpoint
CREATE INDEX `micro_credential_stacking_q_idx` ON `micro_credential_stacking` (`qualification_id`);--> statement-breakpoint
CREATE TABLE `micro_credentials` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_study_id` integer,
	`name` text NOT NULL,
	`provider_organisation_id` integer NOT NULL,
	`credits` integer,
	`nzqf_level` integer,
	`nzqa_status` text DEFAULT 'not_applicable' NOT NULL,
	`nzqa_reference` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`case_study_id`) REFERENCES `case_studies`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`provider_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `micro_credentials_cs_idx` ON `micro_credentials` (`case_study_id`);--> statement-breakpoint
CREATE INDEX `micro_credentials_provider_idx` ON `micro_credentials` (`provider_organisation_id`);--> statement-breakpoint
CREATE TABLE `qualifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`total_credits` integer,
	`nzqf_level` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `qualifications_code_unique` ON `qualifications` (`code`);