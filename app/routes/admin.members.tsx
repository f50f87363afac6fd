import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, TextField } from '~/components/forms';
import { Pagination } from '~/components/pagination';
import { changeRole, roleSchema, searchMembers, setDeactivated } from '~/models/accounts.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { pageParam, readFormData } from '~/utils/http.server';
import { ROLE_LABELS } from '~/utils/labels';
import { field, parseForm } from '~/utils/validation.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Members · Admin · Micro-credentials CoP' }]);

const ROLE_OPTIONS = Object.entries(ROLE_LABELS) as [keyof typeof ROLE_LABELS, string][];

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = requireCoordinator(request);
  const url = new URL(request.url);
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 100);
  const page = pageParam(url);
  const { members, hasMore } = searchMembers({ q, page, includeDeactivated: true });
  return {
    q,
    page,
    hasMore,
    viewerId: viewer.id,
    members: members.map((m) => ({
      id: m.id,
      name: m.name,
      email: m.email,
      role: m.role,
      organisationName: m.organisationName,
      deactivated: m.deactivatedAt !== null,
    })),
  };
}

const memberActionSchema = z.discriminatedUnion('intent', [
  roleSchema.extend({ intent: z.literal('role'), userId: field.id('a member') }),
  z.object({ intent: z.literal('deactivate'), userId: field.id('a member') }),
  z.object({ intent: z.literal('reactivate'), userId: field.id('a member') }),
], { error: 'Choose what to do.' });

export async function action({ request }: ActionFunctionArgs) {
  const actor = requireCoordinator(request);
  const form = parseForm(memberActionSchema, await readFormData(request));
  if (!form.ok) {
    const message = Object.values(form.errors).flat().join(' ') || 'That change could not be made.';
    return data({ error: message, userId: form.values.userId ?? null }, { status: 400 });
  }
  const input = form.data;
  const outcome =
    input.intent === 'role'
      ? changeRole(actor, input.userId, input.role)
      : setDeactivated(actor, input.userId, input.intent === 'deactivate');
  if (!outcome.ok) return data({ error: outcome.message, userId: String(input.userId) }, { status: 400 });
  const url = new URL(request.url);
  return redirectWithFlash(request, `${url.pathname}${url.search}`, outcome.message);
}

export default function AdminMembers() {
  const { q, page, hasMore, members, viewerId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="stack">
      <h2>Members</h2>
      <p className="meta">
        Deactivated people cannot sign in and lose their sessions at once; what they wrote stays. Reactivating lets them sign
        in again with their old password.
      </p>
      <Form method="get" className="search-form" role="search" aria-label="Members">
        <TextField label="Search by name, organisation or interest" name="q" type="search" defaultValue={q} maxLength={100} />
        <button type="submit" className="button">
          Search
        </button>
      </Form>
      <FormError errors={actionData?.error ? [actionData.error] : undefined} />
      {members.length === 0 ? (
        <p className="empty">{q ? `No one matches “${q}”.` : 'No members yet. Invite someone from the Invitations page.'}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Members, their roles and access</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Organisation</th>
                <th scope="col">Role</th>
                <th scope="col">Access</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => {
                const isSelf = m.id === viewerId;
                return (
                  <tr key={m.id}>
                    <th scope="row">
                      <Link to={`/members/${m.id}`}>{m.name}</Link>
                      {isSelf ? <span className="meta"> (you)</span> : null}
                      <div className="meta">{m.email}</div>
                    </th>
                    <td>{m.organisationName}</td>
                    <td>
                      <Form method="post" className="inline-form">
                        <input type="hidden" name="intent" value="role" />
                        <input type="hidden" name="userId" value={m.id} />
                        <label htmlFor={`role-${m.id}`} className="visually-hidden">
                          Role for {m.name}
                        </label>
                        <select id={`role-${m.id}`} name="role" defaultValue={m.role}>
                          {ROLE_OPTIONS.map(([value, label]) => (
                            <option key={value} value={value}>
                              {label}
                            </option>
                          ))}
                        </select>
                        <button type="submit" className="button button--small button--secondary">
                          Change role<span className="visually-hidden"> for {m.name}</span>
                        </button>
                      </Form>
                    </td>
                    <td>
                      {m.deactivated ? <span className="badge badge--bad">Deactivated</span> : <span className="badge badge--ok">Active</span>}{' '}
                      {isSelf ? null : (
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value={m.deactivated ? 'reactivate' : 'deactivate'} />
                          <input type="hidden" name="userId" value={m.id} />
                          <button type="submit" className={`button button--small ${m.deactivated ? 'button--secondary' : 'button--danger'}`}>
                            {m.deactivated ? 'Reactivate' : 'Deactivate'}
                            <span className="visually-hidden"> {m.name}</span>
                          </button>
                        </Form>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={page} hasMore={hasMore} label="Member pages" />
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
