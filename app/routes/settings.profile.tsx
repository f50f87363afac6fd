// A member edits what the directory shows about them. Email and organisation are changed by a coordinator.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SelectField, SubmitButton, TextAreaField, TextField } from '~/components/forms';
import { LANGUAGES } from '~/i18n/languages';
import { languageCookie } from '~/i18n/language.server';
import { useT } from '~/i18n/i18n';
import { getProfile, profileSchema, updateProfile } from '~/models/accounts.server';
import { requireUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { ROLE_LABELS } from '~/utils/labels';
import { parseForm, type FieldErrors, type FormValues } from '~/utils/validation.server';
import { readFormData } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Your profile · Settings · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const profile = getProfile(user.id);
  if (!profile) throw new Response('Not found', { status: 404 });
  return {
    profile: {
      id: profile.id,
      name: profile.name,
      email: profile.email,
      roleLabel: ROLE_LABELS[profile.role],
      jobTitle: profile.jobTitle,
      bio: profile.bio,
      interests: profile.interests,
      language: profile.language ?? '',
      organisationName: profile.organisationName,
      organisationSlug: profile.organisationSlug,
    },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const form = parseForm(profileSchema, await readFormData(request));
  if (!form.ok) return data<{ errors: FieldErrors; values: FormValues }>({ errors: form.errors, values: form.values }, { status: 400 });
  updateProfile(user, form.data);
  const headers = { 'Set-Cookie': languageCookie(form.data.language || null) };
  return redirectWithFlash(request, '/settings/profile', 'Your profile has been saved.', 'success', headers);
}

export default function ProfileSettings() {
  const { t } = useT();
  const { profile } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors;
  const values = actionData?.values;
  return (
    <section aria-labelledby="profile-title" className="stack">
      <div>
        <h2 id="profile-title">Profile</h2>
        <p>
          Other members see this on <Link to={`/members/${profile.id}`}>your profile page</Link> and in the member directory.
        </p>
      </div>
      <dl className="details card">
        <dt>Email address</dt>
        <dd>{profile.email}</dd>
        <dt>Organisation</dt>
        <dd>
          <Link to={`/organisations/${profile.organisationSlug}`}>{profile.organisationName}</Link>
        </dd>
        <dt>Role</dt>
        <dd>{profile.roleLabel}</dd>
      </dl>
      <p className="meta">To change your email address or organisation, ask a coordinator.</p>
      <Form method="post" className="form" noValidate>
        <FormError errors={errors?._form} />
        <TextField label="Name" name="name" autoComplete="name" required maxLength={120} defaultValue={values?.name ?? profile.name} errors={errors?.name} />
        <TextField
          label="Job title (optional)"
          name="jobTitle"
          autoComplete="organization-title"
          maxLength={120}
          defaultValue={values?.jobTitle ?? profile.jobTitle}
          errors={errors?.jobTitle}
        />
        <TextAreaField
          label="About you (optional)"
          name="bio"
          maxLength={2000}
          defaultValue={values?.bio ?? profile.bio}
          hint="What you work on and what you would like to share or learn."
          errors={errors?.bio}
        />
        <TextField
          label="Interests (optional)"
          name="interests"
          maxLength={500}
          defaultValue={values?.interests ?? profile.interests}
          hint="Separate them with commas, for example: stacking, recognition of prior learning, NZDE."
          errors={errors?.interests}
        />
        <SelectField
          label={t('language.label')}
          name="language"
          defaultValue={values?.language ?? profile.language}
          hint={t('language.settingHint')}
          options={[{ value: '', label: t('language.followBrowser') }, ...LANGUAGES.map((l) => ({ value: l.code, label: l.name, lang: l.htmlLang }))]}
          errors={errors?.language}
        />
        <SubmitButton pendingText="Saving…">Save profile</SubmitButton>
      </Form>
    </section>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
