CREATE TABLE `organisation_email_domains` (
	`domain` text PRIMARY KEY NOT NULL,
	`organisation_id` integer NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `organisation_email_domains_org_idx` ON `organisation_email_domains` (`organisation_id`);--> statement-breakpoint
CREATE TABLE `sso_identities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`provider` text NOT NULL,
	`subject` text NOT NULL,
	`user_id` integer NOT NULL,
	`email` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`last_used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sso_identities_provider_subject_unique` ON `sso_identities` (`provider`,`subject`);--> statement-breakpoint
CREATE INDEX `sso_identities_user_idx` ON `sso_identities` (`user_id`);--> statement-breakpoint
CREATE TABLE `sso_logins` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`nonce` text NOT NULL,
	`code_verifier` text NOT NULL,
	`browser_hash` text NOT NULL,
	`redirect_to` text DEFAULT '/' NOT NULL,
	`link_user_id` integer,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`link_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sso_logins_expires_idx` ON `sso_logins` (`expires_at`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_join_requests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`organisation_id` integer NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`password_hash` text,
	`verify_token_hash` text NOT NULL,
	`status` text DEFAULT 'unverified' NOT NULL,
	`sso_provider` text,
	`sso_subject` text,
	`verified_at` integer,
	`decided_by_id` integer,
	`decided_at` integer,
	`decision_note` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`organisation_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_join_requests`("id", "name", "email", "organisation_id", "reason", "password_hash", "verify_token_hash", "status", "verified_at", "decided_by_id", "decided_at", "decision_note", "created_at") SELECT "id", "name", "email", "organisation_id", "reason", "password_hash", "verify_token_hash", "status", "verified_at", "decided_by_id", "decided_at", "decision_note", "created_at" FROM `join_requests`;--> statement-breakpoint
DROP TABLE `join_requests`;--> statement-breakpoint
ALTER TABLE `__new_join_requests` RENAME TO `join_requests`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `join_requests_verify_token_unique` ON `join_requests` (`verify_token_hash`);--> statement-breakpoint
CREATE INDEX `join_requests_status_idx` ON `join_requests` (`status`);--> statement-breakpoint
ALTER TABLE `organisations` ADD `entra_tenant_id` text;--> statement-breakpoint
ALTER TABLE `organisations` ADD `sso_auto_approve` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `organisations_entra_tenant_unique` ON `organisations` (`entra_tenant_id`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `sign_in_method` text DEFAULT 'password' NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `sign_in_provider` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `provider_mfa` integer DEFAULT false NOT NULL;