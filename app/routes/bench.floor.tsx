// The framework floor for `npm run bench`: a page whose loader returns a constant, served by the same server, through
// the same root loader (session lookup, flash) and the same layout as every other page. Whatever a real page costs
// beyond this one is its own queries and markup. It exists only while PORTAL_BENCH=1 (bench/run.ts sets it): for
// everyone else it is a 404 like any unknown address.
import type { MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { GeneralErrorBoundary } from '~/components/error-boundary';
import { withDescription } from '~/utils/meta';

export const meta: MetaFunction = () => withDescription([{ title: 'Framework floor · Micro-credentials CoP' }]);

const CONSTANT = { heading: 'Framework floor', text: 'A constant from the loader: no queries beyond the root loader’s.' };

export async function loader() {
  if (process.env.PORTAL_BENCH !== '1') throw new Response('Not found', { status: 404 });
  return CONSTANT;
}

export default function BenchFloor() {
  const { heading, text } = useLoaderData<typeof loader>();
  return (
    <div className="narrow">
      <h1>{heading}</h1>
      <p>{text}</p>
    </div>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
