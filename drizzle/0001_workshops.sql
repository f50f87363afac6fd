CREATE TABLE `rsvps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workshop_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`response` text NOT NULL,
	`seat_status` text,
	`attendance_mode` text,
	`needs` text DEFAULT '' NOT NULL,
	`waitlisted_at` integer,
	`attended` integer,
	`responded_at` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rsvps_workshop_user_unique` ON `rsvps` (`workshop_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `rsvps_workshop_seat_idx` ON `rsvps` (`workshop_id`,`seat_status`,`waitlisted_at`);--> statement-breakpoint
CREATE INDEX `rsvps_user_idx` ON `rsvps` (`user_id`);--> statement-breakpoint
CREATE TABLE `workshop_action_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workshop_id` integer NOT NULL,
	`text` text NOT NULL,
	`owner_organisation_id` integer,
	`due_date` integer,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`owner_organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `workshop_actions_workshop_idx` ON `workshop_action_items` (`workshop_id`);--> statement-breakpoint
CREATE TABLE `workshop_attending_organisations` (
	`workshop_id` integer NOT NULL,
	`organisation_id` integer NOT NULL,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workshop_attending_unique` ON `workshop_attending_organisations` (`workshop_id`,`organisation_id`);--> statement-breakpoint
CREATE TABLE `workshop_audience_organisations` (
	`workshop_id` integer NOT NULL,
	`organisation_id` integer NOT NULL,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workshop_audience_unique` ON `workshop_audience_organisations` (`workshop_id`,`organisation_id`);--> statement-breakpoint
CREATE TABLE `workshop_decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workshop_id` integer NOT NULL,
	`text` text NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`workshop_id`) REFERENCES `workshops`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `workshop_decisions_workshop_idx` ON `workshop_decisions` (`workshop_id`);--> statement-breakpoint
CREATE TABLE `workshops` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`agenda_md` text DEFAULT '' NOT NULL,
	`agenda_html` text DEFAULT '' NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`mode` text NOT NULL,
	`venue` text DEFAULT '' NOT NULL,
	`online_url` text DEFAULT '' NOT NULL,
	`capacity` integer NOT NULL,
	`org_seat_cap` integer,
	`rsvp_deadline` integer,
	`audience` text DEFAULT 'all' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`sequence` integer DEFAULT 0 NOT NULL,
	`reminders_queued_for` integer,
	`record_notes_md` text DEFAULT '' NOT NULL,
	`record_notes_html` text DEFAULT '' NOT NULL,
	`record_updated_at` integer,
	`created_by_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workshops_slug_unique` ON `workshops` (`slug`);--> statement-breakpoint
CREATE INDEX `workshops_status_start_idx` ON `workshops` (`status`,`starts_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `calendar_token` text;--> statement-breakpoint
CREATE UNIQUE INDEX `users_calendar_token_unique` ON `users` (`calendar_token`);