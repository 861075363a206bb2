import { isRouteErrorResponse, useRevalidator, useRouteError } from '@remix-run/react';
import type { PageFailure } from '../gateway/gateway-client.server.ts';

function isPageFailure(value: unknown): value is PageFailure {
  return typeof value === 'object' && value !== null && 'title' in value && 'detail' in value;
}

/** The red box a page shows instead of its content when its loader failed; the shell around it stays usable. */
function ErrorBox({ title, detail, status }: { title: string; detail: string; status?: number }) {
  return (
    <div className="error-box" role="alert" data-testid="error-box">
      <strong>
        {title}
        {status === undefined ? null : <span className="error-status"> (HTTP {status})</span>}
      </strong>
      <p>{detail}</p>
    </div>
  );
}

/** Runs the page's loaders again, for failures that go away by themselves (a gateway restarting). */
function RetryButton() {
  const revalidator = useRevalidator();
  return (
    <button type="button" className="button" onClick={() => revalidator.revalidate()} disabled={revalidator.state === 'loading'}>
      {revalidator.state === 'loading' ? 'Retrying…' : 'Try again'}
    </button>
  );
}

/** Error boundary shared by every route: explains loader failures (gateway down, unknown version) and unexpected errors. */
export function RouteErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    if (isPageFailure(error.data)) {
      return (
        <>
          <ErrorBox title={error.data.title} detail={error.data.detail} status={error.status} />
          {error.status === 502 ? <RetryButton /> : null}
        </>
      );
    }
    return <ErrorBox title={`${error.status} ${error.statusText}`} detail={typeof error.data === 'string' ? error.data : 'No details.'} />;
  }
  return <ErrorBox title="Unexpected error" detail={error instanceof Error ? error.message : String(error)} />;
}
