import { useQuery } from '@tanstack/react-query';
import { Descriptions, Typography } from 'antd';
import { call } from '../api';
import { useT } from '../i18n';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';

/** The operator's landing page: the platform clock and health (operations stay in the API for now). */
export function PlatformPage() {
  const t = useT();
  const { api } = useSession();
  const clock = useQuery({ queryKey: ['clock'], queryFn: () => call(api.GET('/api/v1/admin/clock')) });
  const health = useQuery({ queryKey: ['health'], queryFn: () => call(api.GET('/api/v1/health')) });
  return (
    <section aria-labelledby="platform-title">
      <Typography.Title level={3} id="platform-title">
        {t('platform')}
      </Typography.Title>
      <ProblemAlert error={clock.error ?? health.error} />
      <Descriptions bordered size="small" column={1}>
        <Descriptions.Item label={t('clock')}>{clock.data ? JSON.stringify(clock.data) : '—'}</Descriptions.Item>
        <Descriptions.Item label="health">{health.data ? JSON.stringify(health.data) : '—'}</Descriptions.Item>
      </Descriptions>
    </section>
  );
}
