import { Alert } from 'antd';
import { ApiProblem } from './problem';
import { useT } from './i18n';

/** An API refusal as the page shows it: the gateway's message, its code, and each field it concerns. */
export function ProblemAlert({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : undefined;
  const title = problem?.status === 403 ? t('noAccess') : t('refusedByApi');
  return (
    <Alert
      role="alert"
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      title={`${title} (${problem?.code ?? 'ERROR'})`}
      description={
        <div>
          <div data-testid="problem-detail">{problem?.detail ?? String((error as Error)?.message ?? error)}</div>
          {problem?.fields.map((field) => (
            <div key={field.field} data-testid="problem-field">
              <b>{field.field}</b>: {field.message}
            </div>
          ))}
          {problem?.retryAfterSeconds !== undefined && <div>Retry-After: {problem.retryAfterSeconds} s</div>}
        </div>
      }
    />
  );
}
