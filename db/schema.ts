// Drizzle tables. Columns are snake_case in SQL; times are UTC milliseconds in integer columns.
import { sql } from 'drizzle-orm';
import { blob, index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const ORGANISATION_KINDS = [
  'itp',
  'ito',
  'professional_body',
  'nzbed',
  'tec',
  'nzqa',
  'industry',
  'other',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const ROLES = ['member', 'project_manager', 'coordinator'] as const;
export type Role = (typeof ROLES)[number];

const now = sql`(cast(unixepoch('subsec') * 1000 as integer))`;

export const organisations = sqliteTable(
  'organisations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ORGANISATION_KINDS }).notNull(),
    description: text('description').notNull().default(''),
    website: text('website'),
    // Single sign-on: the Microsoft Entra ID tenant of the organisation (a GUID, lower case), and whether people who
    // sign in from its domains or tenant for the first time become members without a coordinator's approval.
    entraTenantId: text('entra_tenant_id'),
    ssoAutoApprove: integer('sso_auto_approve', { mode: 'boolean' }).notNull().default(false),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('organisations_slug_unique').on(t.slug),
    uniqueIndex('organisations_name_unique').on(t.name),
    uniqueIndex('organisations_entra_tenant_unique').on(t.entraTenantId),
  ],
);

// Email domains an organisation has registered (lower case, no @): a first single sign-on from one of them becomes a
// join request for that organisation. A domain belongs to one organisation.
export const organisationEmailDomains = sqliteTable(
  'organisation_email_domains',
  {
    domain: text('domain').primaryKey(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
  },
  (t) => [index('organisation_email_domains_org_idx').on(t.organisationId)],
);

export const users = sqliteTable(
  'users',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // Stored lower-cased and trimmed so lookups are exact.
    email: text('email').notNull(),
    name: text('name').notNull(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    role: text('role', { enum: ROLES }).notNull().default('member'),
    passwordHash: text('password_hash'),
    emailVerifiedAt: integer('email_verified_at'),
    jobTitle: text('job_title').notNull().default(''),
    bio: text('bio').notNull().default(''),
    interests: text('interests').notNull().default(''),
    deactivatedAt: integer('deactivated_at'),
    // Secret for the personal calendar feed (/calendar/<token>.ics); regenerable in settings.
    calendarToken: text('calendar_token'),
    // Notification preferences (/settings/notifications).
    digestFrequency: text('digest_frequency', { enum: ['weekly', 'fortnightly', 'monthly', 'off'] }).notNull().default('weekly'),
    replyNotifications: integer('reply_notifications', { mode: 'boolean' }).notNull().default(true),
    workshopAnnouncements: integer('workshop_announcements', { mode: 'boolean' }).notNull().default(true),
    // Set when mail to this address failed permanently: no more digests until the address changes or is cleared.
    emailBouncedAt: integer('email_bounced_at'),
    // Set when the account was erased (issue 18): name "Former member", email a placeholder, profile empty.
    erasedAt: integer('erased_at'),
    // When the person last became a coordinator: the second-factor grace period (MFA_GRACE_DAYS) counts from here.
    roleGivenAt: integer('role_given_at'),
    // Interface and email language (a code from app/i18n/languages.ts); null: follow the browser.
    language: text('language'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('users_email_unique').on(t.email),
    index('users_organisation_idx').on(t.organisationId),
    uniqueIndex('users_calendar_token_unique').on(t.calendarToken),
  ],
);

// Lucia-guide sessions: the id is the SHA-256 of the cookie token, so a database leak yields no usable cookie.
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    absoluteExpiresAt: integer('absolute_expires_at').notNull(),
    userAgent: text('user_agent').notNull().default(''),
    // How the person signed in: 'password' or 'sso' (then which provider, and whether it asserted MFA through `amr`).
    signInMethod: text('sign_in_method', { enum: ['password', 'sso'] }).notNull().default('password'),
    signInProvider: text('sign_in_provider'),
    providerMfa: integer('provider_mfa', { mode: 'boolean' }).notNull().default(false),
    // How the person signed in: comma-separated methods (password, totp, passkey, recovery-code ...), and when a
    // second factor was last verified in this session (sign-in or step-up); null when it never was.
    authMethods: text('auth_methods').notNull().default('password'),
    secondFactorAt: integer('second_factor_at'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

// Single sign-on: an account at an OpenID provider (provider + its subject identifier) linked to a member.
export const ssoIdentities = sqliteTable(
  'sso_identities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    provider: text('provider').notNull(),
    subject: text('subject').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // The address the provider gave when the identity was linked (shown in settings; never used to match again).
    email: text('email').notNull().default(''),
    createdAt: integer('created_at').notNull().default(now),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [uniqueIndex('sso_identities_provider_subject_unique').on(t.provider, t.subject), index('sso_identities_user_idx').on(t.userId)],
);

// One row per sign-in started at a provider: the SHA-256 of the state, the nonce and PKCE verifier, bound to the
// browser by the hash of a cookie value. Spent once (used_at), expires after ten minutes.
export const ssoLogins = sqliteTable(
  'sso_logins',
  {
    stateHash: text('state_hash').primaryKey(),
    provider: text('provider').notNull(),
    nonce: text('nonce').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    browserHash: text('browser_hash').notNull(),
    redirectTo: text('redirect_to').notNull().default('/'),
    // Set when a signed-in member links a provider to their account.
    linkUserId: integer('link_user_id').references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('sso_logins_expires_idx').on(t.expiresAt)],
);

export const invitations = sqliteTable(
  'invitations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull(),
    email: text('email').notNull(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    role: text('role', { enum: ROLES }).notNull(),
    invitedById: integer('invited_by_id').references(() => users.id),
    createdAt: integer('created_at').notNull().default(now),
    expiresAt: integer('expires_at').notNull(),
    acceptedAt: integer('accepted_at'),
    revokedAt: integer('revoked_at'),
  },
  (t) => [uniqueIndex('invitations_token_unique').on(t.tokenHash)],
);

export const JOIN_REQUEST_STATUSES = ['unverified', 'pending', 'approved', 'declined'] as const;
export const joinRequests = sqliteTable(
  'join_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    email: text('email').notNull(),
    organisationId: integer('organisation_id')
      .notNull()
      .references(() => organisations.id),
    reason: text('reason').notNull().default(''),
    // Null for a request made by single sign-on: the provider's identity is linked on approval instead.
    passwordHash: text('password_hash'),
    verifyTokenHash: text('verify_token_hash').notNull(),
    status: text('status', { enum: JOIN_REQUEST_STATUSES }).notNull().default('unverified'),
    ssoProvider: text('sso_provider'),
    ssoSubject: text('sso_subject'),
    verifiedAt: integer('verified_at'),
    decidedById: integer('decided_by_id').references(() => users.id),
    decidedAt: integer('decided_at'),
    decisionNote: text('decision_note').notNull().default(''),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('join_requests_verify_token_unique').on(t.verifyTokenHash), index('join_requests_status_idx').on(t.status)],
);

export const passwordResets = sqliteTable(
  'password_resets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    tokenHash: text('token_hash').notNull(),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull().default(now),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [uniqueIndex('password_resets_token_unique').on(t.tokenHash)],
);

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    actorId: integer('actor_id').references(() => users.id),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: integer('target_id'),
    summary: text('summary').notNull(),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('audit_log_created_idx').on(t.createdAt)],
);

export const OUTBOX_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

// Durable outbox: rows are queued inside the transaction that causes them and sent by the worker.
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupeKey: text('dedupe_key').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    html: text('html').notNull(),
    text: text('text').notNull(),
    // JSON: extra headers (List-Unsubscribe ...) and attachments (calendar invitations).
    headers: text('headers').notNull().default('{}'),
    attachments: text('attachments').notNull().default('[]'),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull().default(now),
    lockedUntil: integer('locked_until'),
    lastError: text('last_error'),
    messageId: text('message_id'),
    createdAt: integer('created_at').notNull().default(now),
    sentAt: integer('sent_at'),
  },
  (t) => [
    uniqueIndex('outbox_dedupe_unique').on(t.dedupeKey),
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
  ],
);

// Fixed-window counters for throttling (sign-in, password reset), updated in one statement.
export const rateLimits = sqliteTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStart: integer('window_start').notNull(),
  count: integer('count').notNull(),
});

// ---------------------------------------------------------------------------------------------------------------
// Workshops

export const WORKSHOP_MODES = ['in_person', 'online', 'hybrid'] as const;
export type WorkshopMode = (typeof WORKSHOP_MODES)[number];
export const WORKSHOP_STATUSES = ['draft', 'scheduled', 'cancelled', 'completed'] as const;
export type WorkshopStatus = (typeof WORKSHOP_STATUSES)[number];
export const WORKSHOP_AUDIENCES = ['all', 'organisations'] as const;

export const workshops = sqliteTable(
  'workshops',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull().default(''),
    agendaMd: text('agenda_md').notNull().default(''),
    agendaHtml: text('agenda_html').notNull().default(''),
    startsAt: integer('starts_at').notNull(),
    endsAt: integer('ends_at').notNull(),
    mode: text('mode', { enum: WORKSHOP_MODES }).notNull(),
    venue: text('venue').notNull().default(''),
    onlineUrl: text('online_url').notNull().default(''),
    capacity: integer('capacity').notNull(),
    orgSeatCap: integer('org_seat_cap'),
    rsvpDeadline: integer('rsvp_deadline'),
    audience: text('audience', { enum: WORKSHOP_AUDIENCES }).notNull().default('all'),
    status: text('status', { enum: WORKSHOP_STATUSES }).notNull().default('draft'),
    // iCalendar SEQUENCE: raised on every change attendees should see.
    sequence: integer('sequence').notNull().default(0),
    // The start time whose 24-hour reminders have been queued; a moved workshop gets reminders again.
    remindersQueuedFor: integer('reminders_queued_for'),
    recordNotesMd: text('record_notes_md').notNull().default(''),
    recordNotesHtml: text('record_notes_html').notNull().default(''),
    recordUpdatedAt: integer('record_updated_at'),
    createdById: integer('created_by_id').references(() => users.id),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('workshops_slug_unique').on(t.slug),
    index('workshops_status_start_idx').on(t.status, t.startsAt),
    // Past workshops (two statuses, newest first) walk this in order instead of sorting every match.
    index('workshops_start_idx').on(t.startsAt, t.id),
  ],
);

export const workshopAudienceOrganisations = sqliteTable(
  'workshop_audience_organisations',
  {
    workshopId: integer('workshop_id').notNull().references(() => workshops.id, { onDelete: 'cascade' }),
    organisationId: integer('organisation_id').notNull().references(() => organisations.id),
  },
  (t) => [uniqueIndex('workshop_audience_unique').on(t.workshopId, t.organisationId)],
);

export const RSVP_RESPONSES = ['going', 'maybe', 'not_going'] as const;
export type RsvpResponse = (typeof RSVP_RESPONSES)[number];
// A "going" answer holds a seat or a waitlist place; other answers hold neither.
export const SEAT_STATUSES = ['confirmed', 'waitlisted'] as const;
export type SeatStatus = (typeof SEAT_STATUSES)[number];
export const ATTENDANCE_MODES = ['in_person', 'online'] as const;

export const rsvps = sqliteTable(
  'rsvps',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workshopId: integer('workshop_id').notNull().references(() => workshops.id, { onDelete: 'cascade' }),
    userId: integer('user_id').notNull().references(() => users.id),
    response: text('response', { enum: RSVP_RESPONSES }).notNull(),
    seatStatus: text('seat_status', { enum: SEAT_STATUSES }),
    attendanceMode: text('attendance_mode', { enum: ATTENDANCE_MODES }),
    needs: text('needs').notNull().default(''),
    // Arrival order on the waitlist: set when the member joins it, kept while they stay on it.
    waitlistedAt: integer('waitlisted_at'),
    attended: integer('attended', { mode: 'boolean' }),
    respondedAt: integer('responded_at').notNull(),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('rsvps_workshop_user_unique').on(t.workshopId, t.userId),
    index('rsvps_workshop_seat_idx').on(t.workshopId, t.seatStatus, t.waitlistedAt),
    index('rsvps_user_idx').on(t.userId),
  ],
);

export const workshopAttendingOrganisations = sqliteTable(
  'workshop_attending_organisations',
  {
    workshopId: integer('workshop_id').notNull().references(() => workshops.id, { onDelete: 'cascade' }),
    organisationId: integer('organisation_id').notNull().references(() => organisations.id),
  },
  (t) => [uniqueIndex('workshop_attending_unique').on(t.workshopId, t.organisationId)],
);

export const workshopDecisions = sqliteTable(
  'workshop_decisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workshopId: integer('workshop_id').notNull().references(() => workshops.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    position: integer('position').notNull().default(0),
  },
  (t) => [index('workshop_decisions_workshop_idx').on(t.workshopId)],
);

export const workshopActionItems = sqliteTable(
  'workshop_action_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    workshopId: integer('workshop_id').notNull().references(() => workshops.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    ownerOrganisationId: integer('owner_organisation_id').references(() => organisations.id),
    dueDate: integer('due_date'),
    // Set when the action is done (ticked on the meeting record); null while it is open.
    doneAt: integer('done_at'),
    position: integer('position').notNull().default(0),
  },
  (t) => [index('workshop_actions_workshop_idx').on(t.workshopId)],
);

// ---------------------------------------------------------------------------------------------------------------
// Pilot case studies and the micro-credential register

export const CASE_STUDY_STATUSES = ['proposed', 'running', 'completed', 'evaluated'] as const;
export type CaseStudyStatus = (typeof CASE_STUDY_STATUSES)[number];
export const VISIBILITIES = ['public', 'members', 'agencies'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const caseStudies = sqliteTable(
  'case_studies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    leadOrganisationId: integer('lead_organisation_id').notNull().references(() => organisations.id),
    status: text('status', { enum: CASE_STUDY_STATUSES }).notNull().default('proposed'),
    startsOn: integer('starts_on'),
    endsOn: integer('ends_on'),
    funder: text('funder').notNull().default(''),
    fundingNotes: text('funding_notes').notNull().default(''),
    targetAudience: text('target_audience').notNull().default(''),
    problem: text('problem').notNull().default(''),
    solution: text('solution').notNull().default(''),
    // Comma-separated delivery modes (elearning, workplace, practical_assessment, classroom, online, other).
    delivery: text('delivery').notNull().default(''),
    lessonsLearned: text('lessons_learned').notNull().default(''),
    bodyMd: text('body_md').notNull().default(''),
    bodyHtml: text('body_html').notNull().default(''),
    visibility: text('visibility', { enum: VISIBILITIES }).notNull().default('public'),
    // Null while a draft.
    publishedAt: integer('published_at'),
    createdById: integer('created_by_id').references(() => users.id),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('case_studies_slug_unique').on(t.slug),
    index('case_studies_published_idx').on(t.publishedAt),
    index('case_studies_lead_idx').on(t.leadOrganisationId),
  ],
);

export const caseStudyPartners = sqliteTable(
  'case_study_partners',
  {
    caseStudyId: integer('case_study_id').notNull().references(() => caseStudies.id, { onDelete: 'cascade' }),
    organisationId: integer('organisation_id').notNull().references(() => organisations.id),
  },
  (t) => [uniqueIndex('case_study_partners_unique').on(t.caseStudyId, t.organisationId), index('case_study_partners_org_idx').on(t.organisationId)],
);

export const caseStudyManagers = sqliteTable(
  'case_study_managers',
  {
    caseStudyId: integer('case_study_id').notNull().references(() => caseStudies.id, { onDelete: 'cascade' }),
    userId: integer('user_id').notNull().references(() => users.id),
  },
  (t) => [uniqueIndex('case_study_managers_unique').on(t.caseStudyId, t.userId), index('case_study_managers_user_idx').on(t.userId)],
);

export const caseStudyOutcomes = sqliteTable(
  'case_study_outcomes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    caseStudyId: integer('case_study_id').notNull().references(() => caseStudies.id, { onDelete: 'cascade' }),
    label: text('label').notNull(),
    value: real('value'),
    unit: text('unit').notNull().default(''),
    asOf: integer('as_of'),
    position: integer('position').notNull().default(0),
  },
  (t) => [index('case_study_outcomes_cs_idx').on(t.caseStudyId)],
);

export const caseStudyTags = sqliteTable(
  'case_study_tags',
  {
    caseStudyId: integer('case_study_id').notNull().references(() => caseStudies.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
  },
  (t) => [uniqueIndex('case_study_tags_unique').on(t.caseStudyId, t.tag), index('case_study_tags_tag_idx').on(t.tag)],
);

// Every edit after publishing keeps the whole previous state, so history and differences can be shown.
export const caseStudyRevisions = sqliteTable(
  'case_study_revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    caseStudyId: integer('case_study_id').notNull().references(() => caseStudies.id, { onDelete: 'cascade' }),
    editorId: integer('editor_id').references(() => users.id),
    // JSON snapshot of the case study as saved by this revision.
    snapshot: text('snapshot').notNull(),
    // Human summary of the fields that changed ("Outcomes, Lessons learned").
    changedFields: text('changed_fields').notNull().default(''),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('case_study_revisions_cs_idx').on(t.caseStudyId)],
);

export const qualifications = sqliteTable(
  'qualifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    // URL code, e.g. "nzde" for /pathways/nzde.
    code: text('code').notNull(),
    name: text('name').notNull(),
    totalCredits: integer('total_credits'),
    nzqfLevel: integer('nzqf_level'),
  },
  (t) => [uniqueIndex('qualifications_code_unique').on(t.code)],
);

export const NZQA_STATUSES = ['approved', 'in_development', 'not_applicable'] as const;

export const microCredentials = sqliteTable(
  'micro_credentials',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    caseStudyId: integer('case_study_id').references(() => caseStudies.id, { onDelete: 'set null' }),
    name: text('name').notNull(),
    providerOrganisationId: integer('provider_organisation_id').notNull().references(() => organisations.id),
    credits: integer('credits'),
    nzqfLevel: integer('nzqf_level'),
    nzqaStatus: text('nzqa_status', { enum: NZQA_STATUSES }).notNull().default('not_applicable'),
    nzqaReference: text('nzqa_reference').notNull().default(''),
    // Open Badges 3.0 fields: the discipline (free text, e.g. "Civil engineering") and an https image of the badge.
    fieldOfStudy: text('field_of_study').notNull().default(''),
    imageUrl: text('image_url').notNull().default(''),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('micro_credentials_cs_idx').on(t.caseStudyId), index('micro_credentials_provider_idx').on(t.providerOrganisationId)],
);

export const microCredentialStacking = sqliteTable(
  'micro_credential_stacking',
  {
    microCredentialId: integer('micro_credential_id').notNull().references(() => microCredentials.id, { onDelete: 'cascade' }),
    qualificationId: integer('qualification_id').notNull().references(() => qualifications.id),
    credits: integer('credits').notNull(),
  },
  (t) => [uniqueIndex('micro_credential_stacking_unique').on(t.microCredentialId, t.qualificationId), index('micro_credential_stacking_q_idx').on(t.qualificationId)],
);

// ---------------------------------------------------------------------------------------------------------------
// Resource library

export const RESOURCE_KINDS = ['report', 'info_sheet', 'presentation', 'template', 'evaluation', 'programme_document', 'assessment', 'other'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const resources = sqliteTable(
  'resources',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    kind: text('kind', { enum: RESOURCE_KINDS }).notNull(),
    authors: text('authors').notNull().default(''),
    organisationId: integer('organisation_id').references(() => organisations.id),
    publishedOn: integer('published_on'),
    summary: text('summary').notNull().default(''),
    licence: text('licence').notNull().default(''),
    visibility: text('visibility', { enum: VISIBILITIES }).notNull().default('public'),
    reviewBy: integer('review_by'),
    // A link resource has a URL and no versions; a file resource has versions and no URL.
    externalUrl: text('external_url'),
    uploadedById: integer('uploaded_by_id').references(() => users.id),
    downloadCount: integer('download_count').notNull().default(0),
    createdAt: integer('created_at').notNull().default(now),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [
    index('resources_org_idx').on(t.organisationId),
    index('resources_created_idx').on(t.createdAt),
    // The library's default order (newest first, by publication date where there is one) read in index order.
    index('resources_newest_idx').on(sql`coalesce(${t.publishedOn}, ${t.createdAt})`, t.id),
    // The library's year filter: the first and the last year of publication.
    index('resources_published_idx').on(t.publishedOn),
  ],
);

// Stored files, content-addressed: the file on disk is named by its SHA-256, so the same bytes are kept once.
export const storedFiles = sqliteTable('stored_files', {
  sha256: text('sha256').primaryKey(),
  size: integer('size').notNull(),
  mimeType: text('mime_type').notNull(),
  // Text found inside the document (PDF, DOCX ...), for full-text search; null until extracted.
  extractedText: text('extracted_text'),
  extractionError: text('extraction_error'),
  // Why the text was not read although the file is fine to keep (over a size, entry-count, time or memory bound);
  // shown to the file's owner on the resource page. extracted_text is '' then.
  extractionRefused: text('extraction_refused'),
  createdAt: integer('created_at').notNull().default(now),
});

export const resourceVersions = sqliteTable(
  'resource_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    resourceId: integer('resource_id').notNull().references(() => resources.id, { onDelete: 'cascade' }),
    versionNumber: integer('version_number').notNull(),
    sha256: text('sha256').notNull().references(() => storedFiles.sha256),
    // The uploader's file name: a label only, never a path.
    originalName: text('original_name').notNull(),
    note: text('note').notNull().default(''),
    uploadedById: integer('uploaded_by_id').references(() => users.id),
    downloadCount: integer('download_count').notNull().default(0),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('resource_versions_number_unique').on(t.resourceId, t.versionNumber), index('resource_versions_sha_idx').on(t.sha256)],
);

// One row per download, so activity reports can count downloads in a period (download_count stays the all-time total).
export const resourceDownloads = sqliteTable(
  'resource_downloads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    resourceId: integer('resource_id').notNull().references(() => resources.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('resource_downloads_created_idx').on(t.createdAt), index('resource_downloads_resource_idx').on(t.resourceId)],
);

export const resourceTags = sqliteTable(
  'resource_tags',
  {
    resourceId: integer('resource_id').notNull().references(() => resources.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
  },
  (t) => [uniqueIndex('resource_tags_unique').on(t.resourceId, t.tag), index('resource_tags_tag_idx').on(t.tag)],
);

export const resourceWorkshops = sqliteTable(
  'resource_workshops',
  {
    resourceId: integer('resource_id').notNull().references(() => resources.id, { onDelete: 'cascade' }),
    workshopId: integer('workshop_id').notNull().references(() => workshops.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('resource_workshops_unique').on(t.resourceId, t.workshopId), index('resource_workshops_w_idx').on(t.workshopId)],
);

export const resourceCaseStudies = sqliteTable(
  'resource_case_studies',
  {
    resourceId: integer('resource_id').notNull().references(() => resources.id, { onDelete: 'cascade' }),
    caseStudyId: integer('case_study_id').notNull().references(() => caseStudies.id, { onDelete: 'cascade' }),
  },
  (t) => [uniqueIndex('resource_case_studies_unique').on(t.resourceId, t.caseStudyId), index('resource_case_studies_cs_idx').on(t.caseStudyId)],
);

// ---------------------------------------------------------------------------------------------------------------
// Discussions

export const discussionCategories = sqliteTable(
  'discussion_categories',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    position: integer('position').notNull().default(0),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('discussion_categories_slug_unique').on(t.slug)],
);

export const THREAD_SUBJECT_TYPES = ['workshop', 'case_study', 'resource'] as const;
export type ThreadSubjectType = (typeof THREAD_SUBJECT_TYPES)[number];

export const threads = sqliteTable(
  'threads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    categoryId: integer('category_id').notNull().references(() => discussionCategories.id),
    title: text('title').notNull(),
    authorId: integer('author_id').notNull().references(() => users.id),
    // "Discuss this": the workshop, pilot or resource a thread is about, if any.
    subjectType: text('subject_type', { enum: THREAD_SUBJECT_TYPES }),
    subjectId: integer('subject_id'),
    pinnedAt: integer('pinned_at'),
    lockedAt: integer('locked_at'),
    hiddenAt: integer('hidden_at'),
    // Denormalised for fast lists: kept in step by the model in the same transaction as each post.
    postCount: integer('post_count').notNull().default(0),
    lastPostAt: integer('last_post_at').notNull().default(now),
    lastPostId: integer('last_post_id'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [
    index('threads_category_last_idx').on(t.categoryId, t.lastPostAt),
    index('threads_last_idx').on(t.lastPostAt),
    index('threads_subject_idx').on(t.subjectType, t.subjectId),
  ],
);

export const posts = sqliteTable(
  'posts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    threadId: integer('thread_id').notNull().references(() => threads.id, { onDelete: 'cascade' }),
    authorId: integer('author_id').notNull().references(() => users.id),
    // 1-based position in the thread, fixed at creation: permalinks find their page from it.
    number: integer('number').notNull(),
    bodyMd: text('body_md').notNull(),
    bodyHtml: text('body_html').notNull(),
    quotedPostId: integer('quoted_post_id'),
    editedAt: integer('edited_at'),
    // Removed by its author: kept as "removed" so replies keep their context.
    deletedAt: integer('deleted_at'),
    hiddenAt: integer('hidden_at'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('posts_thread_number_unique').on(t.threadId, t.number), index('posts_author_idx').on(t.authorId, t.createdAt)],
);

export const postRevisions = sqliteTable(
  'post_revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    postId: integer('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    bodyMd: text('body_md').notNull(),
    editorId: integer('editor_id').references(() => users.id),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('post_revisions_post_idx').on(t.postId)],
);

// The highest post number a member has read in a thread.
export const threadReads = sqliteTable(
  'thread_reads',
  {
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    threadId: integer('thread_id').notNull().references(() => threads.id, { onDelete: 'cascade' }),
    lastReadNumber: integer('last_read_number').notNull(),
    updatedAt: integer('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('thread_reads_unique').on(t.userId, t.threadId)],
);

export const WATCH_LEVELS = ['watching', 'muted'] as const;
export const threadWatches = sqliteTable(
  'thread_watches',
  {
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    threadId: integer('thread_id').notNull().references(() => threads.id, { onDelete: 'cascade' }),
    level: text('level', { enum: WATCH_LEVELS }).notNull(),
    // Batching: the highest post number already included in a notification to this member.
    notifiedThroughNumber: integer('notified_through_number').notNull().default(0),
    lastNotifiedAt: integer('last_notified_at'),
  },
  (t) => [uniqueIndex('thread_watches_unique').on(t.userId, t.threadId), index('thread_watches_thread_idx').on(t.threadId)],
);

export const categoryWatches = sqliteTable(
  'category_watches',
  {
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    categoryId: integer('category_id').notNull().references(() => discussionCategories.id, { onDelete: 'cascade' }),
    level: text('level', { enum: WATCH_LEVELS }).notNull(),
  },
  (t) => [uniqueIndex('category_watches_unique').on(t.userId, t.categoryId)],
);

export const REPORT_STATUSES = ['open', 'resolved', 'dismissed'] as const;
export const postReports = sqliteTable(
  'post_reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    postId: integer('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    reporterId: integer('reporter_id').notNull().references(() => users.id),
    reason: text('reason').notNull(),
    status: text('status', { enum: REPORT_STATUSES }).notNull().default('open'),
    resolvedById: integer('resolved_by_id').references(() => users.id),
    resolvedAt: integer('resolved_at'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('post_reports_status_idx').on(t.status), uniqueIndex('post_reports_unique').on(t.postId, t.reporterId)],
);

// ---------------------------------------------------------------------------------------------------------------
// Email digests

export const DIGEST_FREQUENCIES = ['weekly', 'fortnightly', 'monthly', 'off'] as const;
export const DIGEST_STATUSES = ['draft', 'scheduled', 'sending', 'sent'] as const;

export const digests = sqliteTable(
  'digests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subject: text('subject').notNull(),
    introMd: text('intro_md').notNull().default(''),
    introHtml: text('intro_html').notNull().default(''),
    // What is new since this moment (the previous digest's send time, or chosen).
    sinceAt: integer('since_at').notNull(),
    // JSON: { kind: 'everyone' } | { kind: 'organisation_kinds', values: [...] } | { kind: 'organisations', ids: [...] } | { kind: 'roles', values: [...] }
    audience: text('audience').notNull().default('{"kind":"everyone"}'),
    status: text('status', { enum: DIGEST_STATUSES }).notNull().default('draft'),
    scheduledFor: integer('scheduled_for'),
    // True for digests made by the automatic per-member mode.
    automatic: integer('automatic', { mode: 'boolean' }).notNull().default(false),
    createdById: integer('created_by_id').references(() => users.id),
    createdAt: integer('created_at').notNull().default(now),
    sentAt: integer('sent_at'),
  },
  (t) => [index('digests_status_idx').on(t.status, t.scheduledFor)],
);

// The items a coordinator kept, in their order. item_key is stable per thing ("case_study:12", "resource:4").
export const digestItems = sqliteTable(
  'digest_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    digestId: integer('digest_id').notNull().references(() => digests.id, { onDelete: 'cascade' }),
    itemKey: text('item_key').notNull(),
    section: text('section').notNull(),
    position: integer('position').notNull(),
    // JSON snapshot of what the email shows (title, url, summary, organisation ...): emails never query the database.
    payload: text('payload').notNull(),
  },
  (t) => [uniqueIndex('digest_items_unique').on(t.digestId, t.itemKey)],
);

// One row per recipient per digest; its outbox row carries dedupe key digest:<id>:<userId>.
export const digestRecipients = sqliteTable(
  'digest_recipients',
  {
    digestId: integer('digest_id').notNull().references(() => digests.id, { onDelete: 'cascade' }),
    userId: integer('user_id').notNull().references(() => users.id),
    outboxId: integer('outbox_id').references(() => outbox.id),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('digest_recipients_unique').on(t.digestId, t.userId)],
);

// Which items each member has already received, so the automatic mode never repeats one.
export const digestItemsSent = sqliteTable(
  'digest_items_sent',
  {
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    itemKey: text('item_key').notNull(),
    digestId: integer('digest_id').notNull().references(() => digests.id, { onDelete: 'cascade' }),
    sentAt: integer('sent_at').notNull().default(now),
  },
  (t) => [uniqueIndex('digest_items_sent_unique').on(t.userId, t.itemKey)],
);

// ---------------------------------------------------------------------------------------------------------------
// Privacy (issue 18): data exports, erasure requests, retention runs

export const DATA_EXPORT_STATUSES = ['pending', 'ready', 'downloaded', 'failed', 'expired'] as const;
export type DataExportStatus = (typeof DATA_EXPORT_STATUSES)[number];

// A member's "Download my data": built by the background job, offered by an emailed single-use link.
export const dataExports = sqliteTable(
  'data_exports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    status: text('status', { enum: DATA_EXPORT_STATUSES }).notNull().default('pending'),
    // SHA-256 of the emailed link's token; set when the ZIP is ready.
    tokenHash: text('token_hash'),
    // File name inside $DATA_DIR/exports (never from user input).
    fileName: text('file_name'),
    size: integer('size'),
    error: text('error'),
    createdAt: integer('created_at').notNull().default(now),
    readyAt: integer('ready_at'),
    expiresAt: integer('expires_at'),
    downloadedAt: integer('downloaded_at'),
  },
  (t) => [
    index('data_exports_user_idx').on(t.userId),
    index('data_exports_status_idx').on(t.status),
    uniqueIndex('data_exports_token_unique').on(t.tokenHash),
  ],
);

export const ERASURE_STATUSES = ['pending', 'erased', 'declined'] as const;
export const ERASURE_SOURCES = ['member', 'written'] as const;

// A request to erase an account: made by the member (confirmed by a coordinator) or by a coordinator acting on a
// written request. Holds no personal details; files_to_remove lists stored files to delete after the transaction.
export const erasureRequests = sqliteTable(
  'erasure_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').notNull().references(() => users.id),
    source: text('source', { enum: ERASURE_SOURCES }).notNull(),
    removePosts: integer('remove_posts', { mode: 'boolean' }).notNull().default(false),
    // The coordinator's reference for a written request (a ticket number), never the person's details.
    reference: text('reference').notNull().default(''),
    status: text('status', { enum: ERASURE_STATUSES }).notNull().default('pending'),
    requestedById: integer('requested_by_id').references(() => users.id),
    decidedById: integer('decided_by_id').references(() => users.id),
    createdAt: integer('created_at').notNull().default(now),
    decidedAt: integer('decided_at'),
    // JSON array of SHA-256 names still to delete from UPLOAD_DIR; emptied once they are gone.
    filesToRemove: text('files_to_remove').notNull().default('[]'),
  },
  (t) => [index('erasure_requests_status_idx').on(t.status), index('erasure_requests_user_idx').on(t.userId)],
);

// One row per run of the daily retention job, with what it removed (JSON counts).
export const retentionRuns = sqliteTable('retention_runs', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  startedAt: integer('started_at').notNull(),
  finishedAt: integer('finished_at'),
  counts: text('counts').notNull().default('{}'),
});

// Second factors (docs/decisions/011-second-factors.md). Passkeys: one row per WebAuthn credential.
export const passkeys = sqliteTable(
  'passkeys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    // base64url credential id, as the browser reports it.
    credentialId: text('credential_id').notNull(),
    publicKey: blob('public_key', { mode: 'buffer' }).notNull(),
    counter: integer('counter').notNull().default(0),
    // The WebAuthn user handle (base64url) the authenticator keeps for a discoverable credential: one per person.
    userHandle: text('user_handle').notNull(),
    transports: text('transports').notNull().default(''),
    backedUp: integer('backed_up', { mode: 'boolean' }).notNull().default(false),
    name: text('name').notNull(),
    createdAt: integer('created_at').notNull().default(now),
    lastUsedAt: integer('last_used_at'),
  },
  (t) => [uniqueIndex('passkeys_credential_unique').on(t.credentialId), index('passkeys_user_idx').on(t.userId), index('passkeys_handle_idx').on(t.userHandle)],
);

// An authenticator app (TOTP): the secret is AES-256-GCM encrypted; confirmedAt is null until a first code proves it.
// lastUsedStep is the time step of the last accepted code, so no code is accepted twice.
export const totpCredentials = sqliteTable('totp_credentials', {
  userId: integer('user_id').primaryKey().references(() => users.id, { onDelete: 'cascade' }),
  secretEncrypted: text('secret_encrypted').notNull(),
  confirmedAt: integer('confirmed_at'),
  lastUsedStep: integer('last_used_step'),
  createdAt: integer('created_at').notNull().default(now),
});

// Ten single-use recovery codes per person, stored as SHA-256 hashes.
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: integer('used_at'),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('recovery_codes_hash_unique').on(t.userId, t.codeHash)],
);

// WebAuthn challenges, single use (deleted when used) and valid five minutes.
export const webauthnChallenges = sqliteTable(
  'webauthn_challenges',
  {
    challenge: text('challenge').primaryKey(),
    purpose: text('purpose', { enum: ['register', 'sign-in', 'verify'] }).notNull(),
    // The person the ceremony is for; null for a passkey sign-in, where the credential names the person.
    userId: integer('user_id').references(() => users.id, { onDelete: 'cascade' }),
    // For a registration: the user handle offered to the authenticator, kept with the passkey once it is made.
    userHandle: text('user_handle'),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('webauthn_challenges_expiry_idx').on(t.expiresAt)],
);

// A password was right and a second step is due: this is not a session (it opens nothing but /login/verify),
// lives ten minutes, and is deleted when the second step succeeds.
export const pendingSignIns = sqliteTable(
  'pending_sign_ins',
  {
    id: text('id').primaryKey(), // SHA-256 of the cookie token
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    firstFactor: text('first_factor').notNull(),
    redirectTo: text('redirect_to').notNull().default('/'),
    expiresAt: integer('expires_at').notNull(),
    createdAt: integer('created_at').notNull().default(now),
  },
  (t) => [index('pending_sign_ins_user_idx').on(t.userId)],
);
