// API keys (admin): list, create (the key is shown once), revoke.
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { adminApi } from '../../api/endpoints';
import type { ApiKey, CreatedApiKey } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync, useErrorToast } from '../../lib/useAsync';
import { TIME_ZONE } from '../events/model';

function formatTime(v: string | null | undefined, lang: string): string {
  return v ? new Date(v).toLocaleString(lang, { timeZone: TIME_ZONE }) : '—';
}

export default function ApiKeysPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const toast = useErrorToast();
  const keys = useAsync(() => adminApi.apiKeys(), []);
  const [form] = Form.useForm<{ name: string }>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  const create = async ({ name }: { name: string }) => {
    setCreating(true);
    try {
      setCreated(await adminApi.createApiKey(name.trim()));
      form.resetFields();
      keys.reload();
    } catch (e) {
      toast(e);
    } finally {
      setCreating(false);
    }
  };

  const revoke = async (id: number) => {
    try {
      await adminApi.revokeApiKey(id);
      void message.success(t('apiKeys.revokedOk'));
      keys.reload();
    } catch (e) {
      toast(e);
    }
  };

  return (
    <Card title={t('apiKeys.title')} className="page-card">
      <Typography.Paragraph type="secondary">{t('apiKeys.intro')}</Typography.Paragraph>
      <Form form={form} layout="inline" onFinish={create} className="page-note">
        <Form.Item
          name="name"
          rules={[{ required: true, whitespace: true, message: t('apiKeys.nameRequired') }]}
        >
          <Input placeholder={t('apiKeys.namePlaceholder')} maxLength={100} style={{ width: 260 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={creating}>
          {t('apiKeys.create')}
        </Button>
      </Form>
      <Table<ApiKey>
        size="middle"
        rowKey="id"
        loading={keys.loading}
        dataSource={keys.data ?? []}
        locale={{ emptyText: t('apiKeys.empty') }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { key: 'name', title: t('apiKeys.name'), dataIndex: 'name' },
          {
            key: 'prefix',
            title: t('apiKeys.prefix'),
            render: (_, k) => (k.prefix ? <code>{k.prefix}…</code> : '—'),
          },
          {
            key: 'scope',
            title: t('accounts.scope'),
            render: (_, k) => k.scope?.unit?.name ?? k.scope?.department?.name ?? '—',
          },
          { key: 'created', title: t('apiKeys.created'), render: (_, k) => formatTime(k.createdAt, lang) },
          {
            key: 'status',
            title: t('apiKeys.status'),
            render: (_, k) =>
              k.revokedAt ? (
                <Tag>{t('apiKeys.revoked')}</Tag>
              ) : (
                <Tag color="green">{t('apiKeys.active')}</Tag>
              ),
          },
          {
            key: 'actions',
            title: '',
            render: (_, k) =>
              k.revokedAt ? null : (
                <Popconfirm
                  title={t('apiKeys.revokeConfirm')}
                  okText={t('apiKeys.revoke')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() => revoke(k.id)}
                >
                  <Button danger size="small">
                    {t('apiKeys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal
        open={created !== null}
        title={t('apiKeys.createdTitle')}
        onCancel={() => setCreated(null)}
        footer={<Button onClick={() => setCreated(null)}>{t('common.close')}</Button>}
        maskClosable={false}
      >
        <Space direction="vertical" style={{ width: '100%' }}>
          <Alert type="warning" showIcon message={t('apiKeys.showOnce')} />
          <Typography.Text strong>{created?.name}</Typography.Text>
          <Typography.Paragraph
            code
            copyable={{ text: created?.key ?? '', tooltips: [t('apiKeys.copy'), t('apiKeys.copied')] }}
            className="api-key-value"
            data-testid="api-key-value"
          >
            {created?.key}
          </Typography.Paragraph>
        </Space>
      </Modal>
    </Card>
  );
}
