// /settings/notifications: how often the member gets the digest (weekly by default, fortnightly, monthly or off),
// and whether they get emails about replies and workshop announcements.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { FormError, SubmitButton } from '~/components/forms';
import { ChoiceGroup } from '~/components/workshop-form';
import { FREQUENCY_LABELS, getNotificationSettings, notificationSettingsSchema, updateNotificationSettings } from '~/models/digests.server';
import { requireUser } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { notFound, readFormData } from '~/utils/http.server';
import { formatDate } from '~/utils/time';
import { parseForm, type FieldErrors } from '~/utils/validation.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Notifications · Settings · Micro-credentials CoP' }]);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = requireUser(request);
  const settings = getNotificationSettings(user.id) ?? notFound();
  return {
    email: settings.email,
    digestFrequency: settings.digestFrequency,
    replyNotifications: settings.replyNotifications ? 'on' : 'off',
    workshopAnnouncements: settings.workshopAnnouncements ? 'on' : 'off',
    bouncedOn: settings.emailBouncedAt ? formatDate(settings.emailBouncedAt) : null,
    frequencyOptions: Object.entries(FREQUENCY_LABELS).map(([value, label]) => ({ value, label })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = requireUser(request);
  const form = parseForm(notificationSettingsSchema, await readFormData(request));
  if (!form.ok) return data<{ errors: FieldErrors; values: Record<string, string> }>({ errors: form.errors, values: form.values }, { status: 400 });
  updateNotificationSettings(user.id, form.data);
  const message =
    form.data.digestFrequency === 'off' ? 'Saved. You will not get the digest any more.' : `Saved. You will get the digest ${form.data.digestFrequency === 'weekly' ? 'every week' : form.data.digestFrequency === 'fortnightly' ? 'every fortnight' : 'every month'}.`;
  return redirectWithFlash(request, '/settings/notifications', message);
}

const ON_OFF = (on: string, off: string) => [
  { value: 'on', label: on },
  { value: 'off', label: off },
];

export default function NotificationSettings() {
  const settings = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData?.errors ?? {};
  const value = (name: 'digestFrequency' | 'replyNotifications' | 'workshopAnnouncements') => actionData?.values?.[name] ?? settings[name];
  return (
    <div className="stack">
      <h2>Notifications</h2>
      <p>Emails go to {settings.email}.</p>
      {settings.bouncedOn ? (
        <p className="notice" role="status">
          Mail to {settings.email} could not be delivered on {settings.bouncedOn}, so digests to this address have stopped. Ask a coordinator to update
          your email address.
        </p>
      ) : null}
      <Form method="post" className="form" key={`${settings.digestFrequency}-${settings.replyNotifications}-${settings.workshopAnnouncements}`}>
        <FormError errors={errors._form} />
        <ChoiceGroup
          legend="Community digest"
          hint="What other organisations have started, published and decided: new pilots, resources, workshops, decisions and discussions."
          name="digestFrequency"
          type="radio"
          options={settings.frequencyOptions}
          selected={[value('digestFrequency')]}
          errors={errors.digestFrequency}
        />
        <ChoiceGroup
          legend="Replies to my posts and threads I watch"
          name="replyNotifications"
          type="radio"
          options={ON_OFF('Email me about replies', 'No emails about replies')}
          selected={[value('replyNotifications')]}
          errors={errors.replyNotifications}
        />
        <ChoiceGroup
          legend="Workshop announcements"
          hint="When a new workshop is scheduled. Confirmations and changes to workshops you RSVPed to are always sent."
          name="workshopAnnouncements"
          type="radio"
          options={ON_OFF('Email me about new workshops', 'No workshop announcements')}
          selected={[value('workshopAnnouncements')]}
          errors={errors.workshopAnnouncements}
        />
        <SubmitButton pendingText="Saving…">Save notification settings</SubmitButton>
      </Form>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
