// /case-studies/:slug/history: every revision kept since the case study was published (who, when, what changed),
// and the field-by-field difference between any two: a GET form (?from=&to=), so it works without JavaScript.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { Fragment } from 'react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SelectField } from '~/components/forms';
import { diffRevisions, getCaseStudyBySlug, listRevisions, type FieldDiff } from '~/models/case-studies.server';
import { getUser } from '~/utils/auth.server';
import { notFound } from '~/utils/http.server';
import { formatDateTime } from '~/utils/time';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `History of ${data.caseStudy.title} · Micro-credentials CoP` : 'Case study not found · Micro-credentials CoP' },
]);

const idOf = (raw: string | null) => (raw && /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : null);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const found = getCaseStudyBySlug(params.slug ?? '', viewer) ?? notFound('There is no case study at this address.');
  const cs = found.caseStudy;
  const revisions = listRevisions(cs.id).map((r) => ({
    id: r.id,
    number: r.number,
    when: formatDateTime(r.createdAt),
    // Names are for members, as elsewhere in the directory.
    editor: viewer ? (r.editorName ?? 'Not recorded') : 'A member',
    editorId: viewer ? r.editorId : null,
    changedFields: r.changedFields,
  }));
  const url = new URL(request.url);
  const asked = url.searchParams.has('from') || url.searchParams.has('to');
  // Without a choice, compare the two most recent revisions.
  const from = asked ? idOf(url.searchParams.get('from')) : (revisions[1]?.id ?? null);
  const to = asked ? idOf(url.searchParams.get('to')) : (revisions[0]?.id ?? null);
  let comparison: { from: number; to: number; fields: FieldDiff[] } | null = null;
  let error: string | null = null;
  if (from !== null && to !== null) {
    const fields = diffRevisions(cs.id, from, to);
    if (fields) comparison = { from: revisions.find((r) => r.id === from)!.number, to: revisions.find((r) => r.id === to)!.number, fields };
    else error = 'Choose two revisions of this case study to compare.';
  } else if (asked) {
    error = 'Choose two revisions of this case study to compare.';
  }
  return data(
    { caseStudy: { slug: cs.slug, title: cs.title }, revisions, selected: { from, to }, comparison, error },
    { status: error ? 400 : 200 },
  );
}

function DiffBody({ diff }: { diff: FieldDiff }) {
  if (diff.multiline) {
    // One block per line, marked as removed or added.
    return (
      <div className="diff diff--lines">
        {diff.ops.flatMap((op, i) =>
          op.text.split('\n').map((line, j) => {
            const key = `${i}-${j}`;
            if (op.type === 'insert')
              return (
                <ins key={key}>
                  <span className="visually-hidden">Added: </span>
                  {line || ' '}
                </ins>
              );
            if (op.type === 'delete')
              return (
                <del key={key}>
                  <span className="visually-hidden">Removed: </span>
                  {line || ' '}
                </del>
              );
            return <span key={key}>{line || ' '}</span>;
          }),
        )}
      </div>
    );
  }
  return (
    <p className="diff diff--words">
      {diff.ops.map((op, i) => (
        <Fragment key={i}>
          {op.type === 'insert' ? (
            <ins>
              <span className="visually-hidden">[added: </span>
              {op.text}
              <span className="visually-hidden">]</span>
            </ins>
          ) : op.type === 'delete' ? (
            <del>
              <span className="visually-hidden">[removed: </span>
              {op.text}
              <span className="visually-hidden">]</span>
            </del>
          ) : (
            op.text
          )}
        </Fragment>
      ))}
    </p>
  );
}

export default function CaseStudyHistory() {
  const { caseStudy, revisions, selected, comparison, error } = useLoaderData<typeof loader>();
  const revisionOptions = revisions.map((r) => ({ value: String(r.id), label: `Revision ${r.number} · ${r.when}` }));
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/case-studies">Case studies</Link> · <Link to={`/case-studies/${caseStudy.slug}`}>{caseStudy.title}</Link>
        </p>
        <h1>History of “{caseStudy.title}”</h1>
        <p className="muted">Every edit saved after publishing is kept: who made it, when, and what changed.</p>
      </header>

      <section aria-labelledby="revisions-title">
        <h2 id="revisions-title">Revisions</h2>
        {revisions.length === 0 ? (
          <p className="empty">No revisions yet: the history starts when the case study is published.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Revisions, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Revision</th>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What changed</th>
                </tr>
              </thead>
              <tbody>
                {revisions.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">{r.number}</th>
                    <td>{r.when}</td>
                    <td>{r.editorId ? <Link to={`/members/${r.editorId}`}>{r.editor}</Link> : r.editor}</td>
                    <td>{r.changedFields}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {revisions.length > 1 ? (
        <section aria-labelledby="compare-title">
          <h2 id="compare-title">Compare two revisions</h2>
          <Form method="get" className="search-form" aria-labelledby="compare-title">
            <SelectField label="From" name="from" options={revisionOptions} defaultValue={selected.from ? String(selected.from) : ''} />
            <SelectField label="To" name="to" options={revisionOptions} defaultValue={selected.to ? String(selected.to) : ''} />
            <button type="submit" className="button">
              Compare
            </button>
          </Form>
          {error ? (
            <p className="form-error" role="alert">
              {error}
            </p>
          ) : null}
          {comparison ? (
            <div className="stack">
              <h3>
                Revision {comparison.from} → revision {comparison.to}
              </h3>
              {comparison.fields.length === 0 ? (
                <p className="empty">These two revisions are the same.</p>
              ) : (
                comparison.fields.map((f) => (
                  <section key={f.field} aria-labelledby={`diff-${f.field}`} className="diff-field">
                    <h4 id={`diff-${f.field}`}>{f.label}</h4>
                    <DiffBody diff={f} />
                  </section>
                ))
              )}
            </div>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
