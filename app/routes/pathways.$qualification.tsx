// /pathways/:qualification (e.g. /pathways/nzde): which micro-credentials stack into a qualification, from which
// providers, the credits they cover (capped at the qualification's total) and how far that is from the total.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { NZQA_STATUS_LABELS } from '~/models/case-study-fields';
import { pathwayFor } from '~/models/micro-credentials.server';
import { getUser } from '~/utils/auth.server';
import { notFound } from '~/utils/http.server';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction<typeof loader> = ({ data }) => withDescription([
  { title: data ? `Pathway to the ${data.qualification.name} · Micro-credentials CoP` : 'Qualification not found · Micro-credentials CoP' },
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const viewer = getUser(request);
  const pathway = pathwayFor(params.qualification ?? '', viewer) ?? notFound('There is no qualification with that code.');
  const q = pathway.qualification;
  return {
    qualification: { code: q.code, name: q.name, totalCredits: q.totalCredits, level: q.nzqfLevel },
    count: pathway.count,
    stacked: pathway.stacked,
    covered: pathway.covered,
    remaining: pathway.remaining,
    surplus: pathway.surplus,
    percent: pathway.percent,
    providers: pathway.providers.map((g) => ({
      id: g.providerId,
      name: g.providerName,
      slug: g.items[0]?.providerSlug ?? '',
      credits: g.credits,
      items: g.items.map((i) => ({
        id: i.id,
        name: i.name,
        credits: i.credits,
        level: i.nzqfLevel,
        nzqa: NZQA_STATUS_LABELS[i.nzqaStatus],
        stackingCredits: i.stackingCredits,
        caseStudy: i.caseStudySlug ? { slug: i.caseStudySlug, title: i.caseStudyTitle ?? '' } : null,
      })),
    })),
  };
}

export default function Pathway() {
  const { qualification, count, covered, remaining, surplus, percent, providers } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <header>
        <p className="meta">
          <Link to="/pathways">Stacking pathways</Link> · <Link to="/micro-credentials">Micro-credential register</Link>
        </p>
        <h1>Pathway to the {qualification.name}</h1>
        <p className="meta">
          {qualification.level !== null ? `NZQF Level ${qualification.level}` : 'Level not recorded'} ·{' '}
          {qualification.totalCredits !== null ? `${qualification.totalCredits} credits in total` : 'Total credits not recorded'}
        </p>
      </header>

      <section aria-labelledby="coverage-title" className="card">
        <h2 id="coverage-title">Credits covered by micro-credentials</h2>
        {qualification.totalCredits !== null ? (
          <>
            <p className="coverage-figure">
              <strong>
                {covered} of {qualification.totalCredits} credits
              </strong>{' '}
              ({percent} %) · {remaining === 0 ? 'nothing left to cover' : `${remaining} credits to go`}
            </p>
            <progress id="coverage-progress" max={qualification.totalCredits} value={covered} aria-labelledby="coverage-title">
              {percent} %
            </progress>
            {surplus > 0 ? <p className="muted">The micro-credentials below add up to {surplus} credits more than the qualification needs; only {qualification.totalCredits} count.</p> : null}
          </>
        ) : (
          <p className="coverage-figure">
            <strong>{covered} credits</strong> count toward it. Its total is not recorded, so the gap cannot be shown.
          </p>
        )}
        <p className="muted">
          From {count === 1 ? '1 micro-credential' : `${count} micro-credentials`} offered by {providers.length === 1 ? '1 provider' : `${providers.length} providers`}.
        </p>
      </section>

      {providers.length === 0 ? (
        <p className="empty">
          No micro-credentials stack into the {qualification.name} yet. Project managers record stacking when they write up their pilot’s micro-credentials.
        </p>
      ) : (
        providers.map((p) => (
          <section key={p.id} aria-labelledby={`provider-${p.id}`}>
            <h2 id={`provider-${p.id}`}>
              <Link to={`/organisations/${p.slug}`}>{p.name}</Link>
            </h2>
            <p className="meta">{p.credits} credits toward the qualification</p>
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Micro-credentials from {p.name} that stack into the {qualification.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Micro-credential</th>
                    <th scope="col">Credits</th>
                    <th scope="col">NZQF level</th>
                    <th scope="col">NZQA</th>
                    <th scope="col">Count toward it</th>
                    <th scope="col">Pilot</th>
                  </tr>
                </thead>
                <tbody>
                  {p.items.map((i) => (
                    <tr key={i.id}>
                      <th scope="row">{i.name}</th>
                      <td>{i.credits ?? '–'}</td>
                      <td>{i.level ?? '–'}</td>
                      <td>{i.nzqa}</td>
                      <td>{i.stackingCredits} credits</td>
                      <td>{i.caseStudy ? <Link to={`/case-studies/${i.caseStudy.slug}`}>{i.caseStudy.title}</Link> : '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ))
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
