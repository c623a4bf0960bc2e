import type { ReactNode } from 'react';
import { navigate } from './router';

/** A link to another console page: a real href (open in a new tab works), followed in place on a plain click. */
export function PageLink({ path, children, testId }: { path: string; children: ReactNode; testId?: string }) {
  return (
    <a href={path} data-testid={testId} onClick={(event) => { if (event.ctrlKey || event.metaKey || event.shiftKey) return; event.preventDefault(); navigate(path); }}>
      {children}
    </a>
  );
}

/** An order's short number linking to its detail page. */
export function OrderLink({ id }: { id: string }) {
  return <PageLink path={`/orders/${id}`}>{id.slice(0, 8)}</PageLink>;
}
