import { useState } from 'react';
import { Button, Form, Input, Modal, Table, Tag } from 'antd';
import { ApiSchema, call } from '../api';
import { useT } from '../i18n';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';
import { useAction } from '../use-action';

type Result = ApiSchema<'OrderBatchResultView'>;

/**
 * 批量备注 (domain.md §1.1): one remark appended to every selected order. The API answers per
 * order (ADDED, or NOT_FOUND for an id that is not the merchant's), and the dialog shows each.
 */
export function RemarkDialog({ orderIds, onClose }: { orderIds: string[]; onClose: () => void }) {
  const t = useT();
  const { api } = useSession();
  const { error, act } = useAction(['merchant-orders']);
  const [results, setResults] = useState<Result[]>();
  return (
    <Modal open title={`${t('batchRemark')} (${orderIds.length})`} onCancel={onClose} footer={null} destroyOnHidden>
      <ProblemAlert error={error} />
      {results ? (
        <Table<Result>
          size="small"
          rowKey="orderId"
          pagination={false}
          dataSource={results}
          data-testid="remark-results"
          columns={[
            { title: t('orderId'), dataIndex: 'orderId', render: (id: string) => id.slice(0, 8) },
            { title: t('status'), dataIndex: 'result', render: (value: string) => <Tag color={value === 'ADDED' ? 'green' : 'red'}>{t(`remark_${value}`)}</Tag> },
          ]}
          footer={() => (
            <Button type="primary" onClick={onClose}>
              OK
            </Button>
          )}
        />
      ) : (
        <Form name="batch-remark" layout="vertical" onFinish={(values: { remark: string }) => act(async () => setResults(await call(api.POST('/api/v1/merchant/orders/remarks', { body: { orderIds, remark: values.remark.trim() } }))))}>
          <Form.Item label={t('remark')} name="remark" rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('batchRemark')}
          </Button>
        </Form>
      )}
    </Modal>
  );
}
