import { z } from 'zod';
import { THREAD_SUBJECT_TYPES } from '../../../db/schema';
import { field } from '~/utils/validation.server';
import { BODY_MAX, REPORT_REASON_MAX, TITLE_MAX } from '../discussion-limits';

// ---------------------------------------------------------------------------------------------------------------
// Input

const stripControl = (s: string) => s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
const count = (n: number) => n.toLocaleString('en-NZ');

const titleField = z
  .string({ error: 'Enter a title.' })
  .transform((s) => stripControl(s).replace(/\s+/g, ' ').trim())
  .superRefine((s, ctx) => {
    if (!s) ctx.addIssue({ code: 'custom', message: 'Enter a title.' });
    else if (s.length > TITLE_MAX) ctx.addIssue({ code: 'custom', message: `Keep the title to ${TITLE_MAX} characters or fewer: it has ${count(s.length)}.` });
  });

const bodyField = z
  .string({ error: 'Write your post before sending it.' })
  .transform((s) => stripControl(s).replace(/^\s*\n/, '').trimEnd())
  .superRefine((s, ctx) => {
    if (!s.trim()) ctx.addIssue({ code: 'custom', message: 'Write your post before sending it.' });
    else if (s.length > BODY_MAX) ctx.addIssue({ code: 'custom', message: `Keep a post to ${count(BODY_MAX)} characters or fewer: this one has ${count(s.length)}.` });
  });

const optionalId = z
  .string()
  .optional()
  .transform((s) => (s ?? '').trim())
  .pipe(z.union([z.literal('').transform(() => null), z.string().regex(/^[1-9]\d{0,15}$/, 'That is not a valid choice.').transform(Number)]));

export const threadSchema = z.object({
  categoryId: field.id('a category'),
  title: titleField,
  body: bodyField,
  subjectType: z
    .string()
    .optional()
    .transform((s) => (s ? s : null))
    .pipe(z.union([z.null(), z.enum(THREAD_SUBJECT_TYPES, { error: 'That is not something a thread can be about.' })])),
  subjectId: optionalId,
});
export type ThreadInput = z.infer<typeof threadSchema>;

export const replySchema = z.object({ body: bodyField, quotePostId: optionalId });
export type ReplyInput = { body: string; quotePostId?: number | null };

export const editSchema = z.object({ body: bodyField });

export const reportSchema = z.object({
  reason: z
    .string({ error: 'Say what is wrong with this post.' })
    .transform((s) => stripControl(s).trim())
    .pipe(z.string().min(1, 'Say what is wrong with this post.').max(REPORT_REASON_MAX, `Keep the reason to ${count(REPORT_REASON_MAX)} characters or fewer.`)),
});

export const categorySchema = z.object({
  name: field.text('a name', 80),
  description: field.optionalText('the description', 500),
  position: z
    .string()
    .optional()
    .transform((s) => (s ?? '').trim())
    .pipe(z.union([z.literal('').transform(() => 0), z.string().regex(/^\d{1,4}$/, 'Enter the position as a whole number from 0 to 9999.').transform(Number)])),
});
export type CategoryInput = z.infer<typeof categorySchema>;
