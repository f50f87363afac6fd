// The coordinator's overview: what is waiting for them, counted in one statement.
import { sqlite } from '../../db/client.server';

export type AdminOverview = {
  organisations: number;
  activeMembers: number;
  deactivatedMembers: number;
  openInvitations: number;
  pendingJoinRequests: number;
  unverifiedJoinRequests: number;
  mailWaiting: number;
  mailFailed: number;
};

export function getAdminOverview(now = Date.now()): AdminOverview {
  return sqlite
    .prepare(
      `select (select count(*) from organisations) as organisations,
              (select count(*) from users where deactivated_at is null) as activeMembers,
              (select count(*) from users where deactivated_at is not null) as deactivatedMembers,
              (select count(*) from invitations
                 where accepted_at is null and revoked_at is null and expires_at > @now) as openInvitations,
              (select count(*) from join_requests where status = 'pending') as pendingJoinRequests,
              (select count(*) from join_requests where status = 'unverified') as unverifiedJoinRequests,
              (select count(*) from outbox where status in ('pending', 'sending')) as mailWaiting,
              (select count(*) from outbox where status = 'failed') as mailFailed`,
    )
    .get({ now }) as AdminOverview;
}
