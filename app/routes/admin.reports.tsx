// /admin/reports: the activity report for a chosen period (default: the last 12 months, New Zealand dates), as
// charts with their tables beside them, each table as CSV, and the whole report as a PDF prepared off the request
// path (the page shows its progress; without JavaScript, "Check again" reloads it). A GET form chooses the period.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { data } from '@remix-run/node';
import { Form, Link, useLoaderData, useRevalidator } from '@remix-run/react';
import { useEffect } from 'react';
import { BarChart } from '~/components/bar-chart';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { SubmitButton, TextField } from '~/components/forms';
import { prepareReportPdf, reportPdfState } from '~/models/report-pdf.server';
import { activityReport, parsePeriod, type Period } from '~/models/reports.server';
import { requireCoordinator } from '~/utils/auth.server';
import { redirectWithFlash } from '~/utils/flash.server';
import { readFormData } from '~/utils/http.server';
import { formatDateTime } from '~/utils/time';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Activity report · Admin · Micro-credentials CoP' }]);

const query = (p: Period) => `from=${p.fromDate}&to=${p.toDate}`;

export async function loader({ request }: LoaderFunctionArgs) {
  requireCoordinator(request);
  const parsed = parsePeriod(new URL(request.url).searchParams);
  if (!parsed.ok) return data({ values: parsed.values, errors: parsed.errors, report: null, pdf: null, query: '' }, { status: 400 });
  const report = activityReport(parsed.period);
  const state = reportPdfState(parsed.period);
  return {
    values: { from: parsed.period.fromDate, to: parsed.period.toDate },
    errors: {},
    query: query(parsed.period),
    report: { description: report.description, headline: report.headline, sections: report.sections },
    pdf: state.state === 'ready' ? { state: state.state, preparedAt: formatDateTime(state.generatedAt), kb: Math.max(1, Math.round(state.bytes / 1024)) } : state,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  requireCoordinator(request);
  const form = await readFormData(request);
  const params = new URLSearchParams();
  for (const name of ['from', 'to']) {
    const value = form.get(name);
    if (typeof value === 'string') params.set(name, value);
  }
  const parsed = parsePeriod(params);
  if (!parsed.ok) return data({ values: parsed.values, errors: parsed.errors }, { status: 400 });
  prepareReportPdf(parsed.period);
  return redirectWithFlash(request, `/admin/reports?${query(parsed.period)}#pdf`, 'The PDF is being prepared.');
}

export default function Reports() {
  const { values, errors, report, pdf, query } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const preparing = pdf?.state === 'preparing';
  // With JavaScript, the page asks again every second while the PDF is prepared; without it, "Check again" does.
  useEffect(() => {
    if (!preparing) return;
    const timer = setTimeout(() => revalidator.state === 'idle' && revalidator.revalidate(), 1000);
    return () => clearTimeout(timer);
  }, [preparing, revalidator]);
  const fieldErrors = errors as { from?: string[]; to?: string[] };
  return (
    <div className="stack">
      <h2>Activity report</h2>
      <Form method="get" className="filter-form" aria-label="Report period">
        <TextField label="From" name="from" type="date" defaultValue={values.from} errors={fieldErrors.from} required />
        <TextField label="To" name="to" type="date" defaultValue={values.to} errors={fieldErrors.to} required />
        <button type="submit" className="button">
          Show the report
        </button>
      </Form>
      {report ? (
        <>
          <p className="lead">
            Report for <strong>{report.description}</strong> (New Zealand dates, both included).
          </p>
          <section id="pdf" aria-labelledby="pdf-title" className="card stack">
            <h3 id="pdf-title">PDF for board papers</h3>
            {pdf?.state === 'ready' ? (
              <p>
                <a href={`/admin/reports.pdf?${query}`} download>
                  Download the PDF
                </a>{' '}
                <span className="meta">
                  (prepared {pdf.preparedAt}, {pdf.kb} KB)
                </span>
              </p>
            ) : pdf?.state === 'preparing' ? (
              <p role="status">
                The PDF is being prepared ({pdf.percent}% done). <a href={`/admin/reports?${query}`}>Check again</a>
              </p>
            ) : pdf?.state === 'failed' ? (
              <p role="alert">The PDF could not be prepared ({pdf.error}). Try again.</p>
            ) : (
              <p className="meta">The same report, with its charts and tables and the period on every page.</p>
            )}
            {pdf?.state !== 'preparing' ? (
              <Form method="post" action="/admin/reports">
                <input type="hidden" name="from" value={values.from} />
                <input type="hidden" name="to" value={values.to} />
                <SubmitButton pendingText="Starting…">{pdf?.state === 'ready' ? 'Prepare the PDF again' : 'Prepare the PDF'}</SubmitButton>
              </Form>
            ) : null}
          </section>
          <section aria-labelledby="headline-title">
            <h3 id="headline-title">In figures</h3>
            <dl className="details">
              {report.headline.map((h) => (
                <div key={h.label}>
                  <dt>{h.label}</dt>
                  <dd>{h.value}</dd>
                </div>
              ))}
            </dl>
          </section>
          {report.sections.map((section) => (
            <section key={section.key} aria-labelledby={`${section.key}-title`} className="report-section">
              <h3 id={`${section.key}-title`}>{section.title}</h3>
              <p>{section.summary}</p>
              <div className="report-section__body">
                <BarChart name={section.chart.name} bars={section.chart.bars} />
                <div className="table-wrap">
                  <table>
                    <caption>{section.chart.name}: the figures</caption>
                    <thead>
                      <tr>
                        {section.table.header.map((h) => (
                          <th scope="col" key={h}>
                            {h}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {section.table.rows.map((row, i) => (
                        <tr key={i}>
                          {row.map((cell, j) =>
                            j === 0 ? (
                              <th scope="row" key={j}>
                                {cell}
                              </th>
                            ) : (
                              <td key={j}>{cell}</td>
                            ),
                          )}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </div>
              <p>
                <a href={`/admin/reports/${section.key}.csv?${query}`} download>
                  {section.title}: table as CSV
                </a>
              </p>
            </section>
          ))}
          <p className="meta">
            Spreadsheets of everything recorded (members, workshops, decisions and actions, pilots, resources) are under <Link to="/admin/exports">Exports</Link>.
          </p>
        </>
      ) : (
        <p className="empty">Choose a period above to see the report.</p>
      )}
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
