// Publish / cancel / mark completed: one set of forms, posted to the workshop page's action from wherever they
// are shown (the workshop page and its edit page). Cancelling needs a ticked box, so it cannot happen by a slip,
// with or without JavaScript.
import { Form } from '@remix-run/react';
import { useId } from 'react';
import { SubmitButton } from '~/components/forms';

export function WorkshopStatusActions(props: {
  slug: string;
  status: 'draft' | 'scheduled' | 'cancelled' | 'completed';
  started: boolean;
  cancelErrors?: string[];
}) {
  const id = useId();
  const action = `/workshops/${props.slug}`;
  const { status } = props;
  if (status === 'cancelled' || status === 'completed') return null;
  return (
    <div className="stack">
      {status === 'draft' || props.started ? (
        <div className="actions">
          {status === 'draft' ? (
            <Form method="post" action={action} className="inline-form">
              <input type="hidden" name="intent" value="publish" />
              <SubmitButton>Publish</SubmitButton>
            </Form>
          ) : (
            <Form method="post" action={action} className="inline-form">
              <input type="hidden" name="intent" value="complete" />
              <SubmitButton className="button button--secondary">Mark completed</SubmitButton>
            </Form>
          )}
        </div>
      ) : null}
      <Form method="post" action={action} className="form">
        <input type="hidden" name="intent" value="cancel" />
        <div className={`checkbox${props.cancelErrors?.length ? ' field--invalid' : ''}`}>
          <input
            type="checkbox"
            id={`${id}-confirm`}
            name="confirm"
            value="yes"
            required
            aria-invalid={props.cancelErrors?.length ? true : undefined}
            aria-describedby={props.cancelErrors?.length ? `${id}-error` : `${id}-hint`}
          />
          <label htmlFor={`${id}-confirm`}>Yes, cancel and tell everyone</label>
        </div>
        {props.cancelErrors?.length ? (
          <p className="field__error" id={`${id}-error`}>
            {props.cancelErrors.join(' ')}
          </p>
        ) : (
          <p className="field__hint" id={`${id}-hint`}>
            Everyone with a seat or on the waitlist is emailed, and their calendars show the workshop as cancelled. This cannot be undone.
          </p>
        )}
        <div>
          <SubmitButton className="button button--danger">Cancel workshop</SubmitButton>
        </div>
      </Form>
    </div>
  );
}
