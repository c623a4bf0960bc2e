import { useQuery } from '@tanstack/react-query';
import { Button, Card, Form, Input, Select, Table, Typography } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { useAction } from '../use-action';

type Permission = ApiSchema<'SubAccountView'>['permissions'][number];
const PERMISSIONS: Permission[] = ['VIEW_ORDERS', 'OPERATE_ORDERS', 'SHIP', 'AFTER_SALES', 'EXPORT', 'EXPORT_SENSITIVE', 'REVEAL_CONSUMER_INFO', 'LOOKUP_OTHER_CONTACTS', 'MANAGE_CATALOG'];

/** Sub-accounts and their grants (the gateway enforces them, including the cap on EXPORT_SENSITIVE holders). */
export function SubAccountsPage() {
  const t = useT();
  const { api, session } = useSession();
  const merchantId = session.merchantId as string;
  const { error, act } = useAction(['sub-accounts']);
  const accounts = useQuery({ queryKey: ['sub-accounts'], queryFn: () => call(api.GET('/api/v1/merchants/{id}/sub-accounts', { params: { path: { id: merchantId } } })) });
  return (
    <section aria-labelledby="sub-accounts-title">
      <Typography.Title level={3} id="sub-accounts-title">
        {t('subAccounts')}
      </Typography.Title>
      <ProblemAlert error={error ?? accounts.error} />
      <Card size="small" title={t('createSubAccount')} style={{ marginBottom: 16 }}>
        <Form layout="inline" style={{ rowGap: 8 }} onFinish={(values: { username: string; password: string; phone: string; permissions?: Permission[] }) => act(() => call(api.POST('/api/v1/merchants/{id}/sub-accounts', { params: { path: { id: merchantId } }, body: { ...values, permissions: values.permissions ?? [] } })))}>
          <Form.Item label={t('username')} name="username" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('password')} name="password" rules={[{ required: true }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item label={t('phone')} name="phone" rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item label={t('permissions')} name="permissions">
            <Select mode="multiple" style={{ minWidth: 240 }} options={PERMISSIONS.map((value) => ({ value, label: value }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('createSubAccount')}
          </Button>
        </Form>
      </Card>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={accounts.data ?? []}
        columns={[
          { title: t('username'), dataIndex: 'username' },
          {
            title: t('permissions'),
            dataIndex: 'permissions',
            render: (permissions: Permission[], account: ApiSchema<'SubAccountView'>) => (
              <Select
                mode="multiple"
                aria-label={`${t('permissions')} ${account.username}`}
                style={{ minWidth: 320 }}
                value={permissions}
                options={PERMISSIONS.map((value) => ({ value, label: value }))}
                onChange={(next: Permission[]) => act(() => call(api.PUT('/api/v1/merchants/{id}/sub-accounts/{sid}/permissions', { params: { path: { id: merchantId, sid: account.id } }, body: { permissions: next } })))}
              />
            ),
          },
        ]}
      />
    </section>
  );
}
