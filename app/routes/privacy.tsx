// /privacy: what the portal collects, why, for how long, who sees it, and how to get a copy or have it removed.
// Every period on this page comes from retentionSettings(), the same settings the daily retention job applies.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { withDescription } from '~/utils/meta';
import { lastRetentionRun, retentionSettings } from '~/models/retention.server';
import { formatDateTime } from '~/utils/time';

export const meta: MetaFunction = () => withDescription([{ title: 'Privacy · Micro-credentials CoP' }], 'What the Micro-credentials Community of Practice portal collects about members, why, for how long, who sees it, and how to get a copy or have it erased.');

export async function loader(_: LoaderFunctionArgs) {
  const last = lastRetentionRun();
  return {
    settings: retentionSettings(),
    lastRun: last?.finishedAt ? { at: formatDateTime(last.finishedAt) } : null,
  };
}

function days(n: number) {
  return `${n} ${n === 1 ? 'day' : 'days'}`;
}

export default function PrivacyPage() {
  const { settings: s, lastRun } = useLoaderData<typeof loader>();
  return (
    <div className="stack prose">
      <h1>Privacy</h1>
      <p>
        The Micro-credentials Community of Practice portal is run for its members, who are mostly staff of public institutions. We hold only
        what the community needs to work together, and New Zealand's Privacy Act 2020 applies to all of it: you can see everything held about
        you, have it corrected, and have your account erased.
      </p>

      <section aria-labelledby="collected">
        <h2 id="collected">What we collect, and why</h2>
        <ul>
          <li><strong>Your account:</strong> name, email address, organisation, role, and a password hash, so you can sign in and others know who they are working with.</li>
          <li><strong>Your profile:</strong> job title, biography and interests, if you add them, so members can find people working on the same things.</li>
          <li><strong>Workshops:</strong> your RSVPs, waitlist places, attendance and any access needs you tell us, so coordinators can plan seats and follow up.</li>
          <li><strong>What you contribute:</strong> discussion posts and their edits, pilot case studies and their revisions, resources and the files you upload: the community's shared record.</li>
          <li><strong>Mail:</strong> the emails we send you (invitations, reminders, notifications, digests) and your notification settings.</li>
          <li><strong>Sign-ins:</strong> your current sessions (when they started and the browser), and short-lived counters that slow down password guessing.</li>
          <li><strong>The audit log:</strong> what coordinators and moderators changed, and when.</li>
        </ul>
      </section>

      <section aria-labelledby="how-long">
        <h2 id="how-long">How long we keep it</h2>
        <table>
          <caption className="visually-hidden">Retention periods</caption>
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">Kept for</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>Emails we have sent (the outbox and its copies)</td>
              <td>{days(s.mailDays)} after sending</td>
            </tr>
            <tr>
              <td>Sessions (sign-ins)</td>
              <td>until they end: {days(s.sessionIdleDays)} without use, or {days(s.sessionMaxDays)} after signing in</td>
            </tr>
            <tr>
              <td>Sign-in and posting throttles</td>
              <td>{s.rateLimitMinutes} minutes</td>
            </tr>
            <tr>
              <td>Requests to join that were declined or never confirmed</td>
              <td>{days(s.joinRequestDays)}</td>
            </tr>
            <tr>
              <td>The audit log</td>
              <td>{s.auditYears} years</td>
            </tr>
            <tr>
              <td>A copy of your data prepared for download</td>
              <td>{s.exportHours} hours, or until you download it</td>
            </tr>
            <tr>
              <td>Your account, profile and contributions</td>
              <td>while you are a member, or until you ask us to erase them</td>
            </tr>
          </tbody>
        </table>
        <p>A job applies these periods every day{lastRun ? `; it last ran ${lastRun.at}` : ''}.</p>
      </section>

      <section aria-labelledby="who-sees">
        <h2 id="who-sees">Who sees it</h2>
        <ul>
          <li>Your name, organisation, job title, biography and interests are visible to signed-in members. Your email address is visible to coordinators only.</li>
          <li>Workshops, case studies, resources and discussion categories each say who can see them: everyone (public), members, or agencies only (members of NZBED, TEC and NZQA, coordinators, and the owning organisation).</li>
          <li>Your RSVPs and access needs are seen by coordinators; attendee lists by the workshop's organisers.</li>
          <li>We do not sell or share your data, and use no advertising or tracking cookies. Mail goes through our mail provider only to deliver it.</li>
        </ul>
      </section>

      <section aria-labelledby="your-rights">
        <h2 id="your-rights">Getting a copy, correcting, or erasing</h2>
        <ul>
          <li><strong>Correct:</strong> change your profile at <Link to="/settings/profile">Settings → Profile</Link>, or ask a coordinator.</li>
          <li>
            <strong>Get a copy:</strong> at <Link to="/settings/privacy">Settings → Privacy</Link>, choose "Download my data". We prepare one ZIP file
            with everything held about you and email you a link that works once, for {s.exportHours} hours.
          </li>
          <li>
            <strong>Erase:</strong> at <Link to="/settings/privacy">Settings → Privacy</Link>, ask for your account to be erased (or write to a coordinator).
            Once a coordinator confirms, your name becomes "Former member", your email and profile are removed, you are signed out everywhere, your
            future RSVPs are withdrawn, and mail still waiting for you is cancelled. Your posts stay in the community's record as "Former member"
            unless you ask for them to be removed too. Files you uploaded are deleted unless another member's resource uses them.
          </li>
        </ul>
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
