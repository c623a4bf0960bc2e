import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Form, Input, InputNumber, Modal, Select, Space, Table, Tag } from 'antd';
import { ApiSchema, call, downloadFile } from '../api';
import { useT } from '../i18n';
import { parseYuan } from '../money';
import { ProblemAlert } from '../problem-view';
import { useSession } from '../session';

export type ShipMode = 'single' | 'batch' | 'merged';

interface ShipForm {
  carrier: string;
  serviceProduct?: 'STANDARD' | 'EXPRESS';
  waybillNo?: string;
  waybills?: Record<string, string>;
  generateWaybillNos?: boolean;
  packageCount?: number;
  declaredValue?: string;
}

/** Outbound (domain.md §2.1, §2.2): one order, a batch, or a merged package, with the waybill rules of each carrier. */
export function ShipDialog({ mode, orderIds, onClose }: { mode: ShipMode; orderIds: string[]; onClose: () => void }) {
  const t = useT();
  const { api, session } = useSession();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<ShipForm>();
  const carrier = Form.useWatch('carrier', form);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ApiSchema<'ShipmentsCreatedView'>>();
  const options = useQuery({ queryKey: ['shipping-options'], queryFn: () => call(api.GET('/api/v1/merchant/shipments/options')) });
  const platform = options.data?.platformCarrier;
  const isPlatform = carrier !== undefined && carrier === platform?.code;

  const submit = async (values: ShipForm) => {
    setBusy(true);
    setError(undefined);
    try {
      const declaredValue = values.declaredValue ? parseYuan(values.declaredValue) : undefined;
      const body: ApiSchema<'CreateShipmentsRequest'> = {
        orderIds,
        carrier: values.carrier,
        ...(isPlatform ? { serviceProduct: values.serviceProduct ?? 'STANDARD' } : {}),
        ...(!isPlatform && mode !== 'batch' ? { waybillNo: values.waybillNo } : {}),
        ...(!isPlatform && mode === 'batch' ? { waybills: orderIds.map((orderId) => ({ orderId, waybillNo: values.waybills?.[orderId] ?? '' })) } : {}),
        ...(isPlatform && mode === 'batch' ? { generateWaybillNos: values.generateWaybillNos ?? false } : {}),
        ...(mode === 'merged' ? { merge: true, packageCount: values.packageCount ?? 1, ...(declaredValue !== undefined ? { declaredValue } : {}) } : {}),
      };
      setResult(await call(api.POST('/api/v1/merchant/shipments', { body })));
      await queryClient.invalidateQueries({ queryKey: ['merchant-orders'] });
      await queryClient.invalidateQueries({ queryKey: ['merchant-order'] });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const title = t(mode === 'single' ? 'ship' : mode === 'batch' ? 'batchShip' : 'mergedShip');
  return (
    <Modal open title={`${title} (${orderIds.length})`} onCancel={onClose} footer={null} destroyOnHidden width={640}>
      <ProblemAlert error={error ?? options.error} />
      {result ? (
        <div data-testid="shipment-results">
          <Table
            size="small"
            rowKey="orderId"
            pagination={false}
            dataSource={result.results}
            columns={[
              { title: t('orderId'), dataIndex: 'orderId', render: (id: string) => id.slice(0, 8) },
              { title: t('status'), dataIndex: 'status', render: (status: string, row) => <Tag color={status === 'SHIPPED' ? 'green' : 'red'}>{status === 'SHIPPED' ? t('shipped') : `${t('refused')}: ${row.reason ?? row.code}`}</Tag> },
              { title: t('waybillNo'), dataIndex: 'waybillNo', render: (waybill?: string) => <span data-testid="waybill-no">{waybill}</span> },
              {
                title: t('actions'),
                render: (_, row) =>
                  row.shipmentId && (
                    <Space>
                      <Button size="small" onClick={() => downloadFile(`/api/v1/merchant/shipments/${row.shipmentId}/packing-slip`, session.token, 'packing-slip.pdf').catch(setError)}>
                        {t('packingSlip')}
                      </Button>
                      <Button size="small" onClick={() => downloadFile(`/api/v1/merchant/shipments/${row.shipmentId}/waybill-label`, session.token, 'waybill.pdf').catch(setError)}>
                        {t('waybillLabel')}
                      </Button>
                    </Space>
                  ),
              },
            ]}
          />
          <Button style={{ marginTop: 16 }} type="primary" onClick={onClose}>
            OK
          </Button>
        </div>
      ) : (
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ serviceProduct: 'STANDARD', packageCount: 1, generateWaybillNos: true }}>
          <Form.Item label={t('carrier')} name="carrier" rules={[{ required: true }]}>
            <Select
              loading={options.isPending}
              options={[...(platform ? [{ value: platform.code, label: `${platform.code} (${t('waybillGenerated')})` }] : []), ...(options.data?.thirdPartyCarriers ?? []).map((option) => ({ value: option.code, label: option.code }))]}
            />
          </Form.Item>
          {isPlatform && (
            <Form.Item label={t('serviceProduct')} name="serviceProduct" extra={platform?.serviceProducts.some((product) => product.code === 'EXPRESS') ? undefined : 'EXPRESS: —'}>
              {/* Express is offered only when the merchant has signed for it (domain.md §2.1): the options come from the API. */}
              <Select options={(platform?.serviceProducts ?? []).map((product) => ({ value: product.code, label: t(product.code) }))} />
            </Form.Item>
          )}
          {carrier !== undefined && !isPlatform && mode !== 'batch' && (
            <Form.Item label={t('waybillNo')} name="waybillNo" rules={[{ required: true }]}>
              <Input placeholder={options.data?.thirdPartyCarriers.find((option) => option.code === carrier)?.example} />
            </Form.Item>
          )}
          {carrier !== undefined &&
            !isPlatform &&
            mode === 'batch' &&
            orderIds.map((orderId) => (
              <Form.Item key={orderId} label={`${t('waybillNo')} · ${orderId.slice(0, 8)}`} name={['waybills', orderId]} rules={[{ required: true }]}>
                <Input />
              </Form.Item>
            ))}
          {isPlatform && mode === 'batch' && (
            <Form.Item name="generateWaybillNos" valuePropName="checked">
              <Checkbox>{t('generateWaybillNos')}</Checkbox>
            </Form.Item>
          )}
          {mode === 'merged' && (
            <>
              <Form.Item label={t('packageCount')} name="packageCount" rules={[{ required: true }]}>
                <InputNumber min={1} max={999} precision={0} />
              </Form.Item>
              <Form.Item label={t('declaredValue')} name="declaredValue" rules={[{ validator: async (_, value?: string) => (!value || parseYuan(value) !== undefined ? undefined : Promise.reject(new Error('¥'))) }]}>
                <Input inputMode="decimal" />
              </Form.Item>
            </>
          )}
          {mode !== 'single' && <Alert type="info" style={{ marginBottom: 16 }} title={orderIds.map((id) => id.slice(0, 8)).join(', ')} />}
          <Button type="primary" htmlType="submit" loading={busy}>
            {title}
          </Button>
        </Form>
      )}
    </Modal>
  );
}
