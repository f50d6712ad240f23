// Accounts (admin): read-only for now — the list the seed and the CLI create.
import { Alert, Card, Table, Tag } from 'antd';
import { useState } from 'react';
import { adminApi } from '../../api/endpoints';
import type { Account } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';

const PAGE_SIZE = 20;

export default function AccountsPage() {
  const { t, tc } = useI18n();
  const [page, setPage] = useState(1);
  const accounts = useAsync(() => adminApi.accounts(page, PAGE_SIZE), [page]);

  return (
    <Card title={t('accounts.title')} className="page-card">
      <Alert type="info" showIcon message={t('accounts.readOnly')} className="page-note" />
      <Table<Account>
        data-testid="accounts-table"
        size="middle"
        rowKey="id"
        loading={accounts.loading}
        dataSource={accounts.data?.items ?? []}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: accounts.data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
          showTotal: (total) => t('common.total', { total }),
        }}
        columns={[
          {
            key: 'username',
            title: t('accounts.username'),
            dataIndex: 'username',
            render: (v) => <code>{v}</code>,
          },
          { key: 'displayName', title: t('accounts.displayName'), dataIndex: 'displayName' },
          {
            key: 'roles',
            title: t('accounts.roles'),
            render: (_, a) =>
              a.roles.map((r) => (
                <Tag key={r} color="blue">
                  {tc('role', r)}
                </Tag>
              )),
          },
          {
            key: 'scope',
            title: t('accounts.scope'),
            render: (_, a) => a.scope?.unit?.name ?? a.scope?.department?.name ?? '—',
          },
          {
            key: 'status',
            title: t('accounts.status'),
            render: (_, a) =>
              a.disabled ? (
                <Tag color="default">{t('accounts.disabled')}</Tag>
              ) : (
                <Tag color="green">{t('accounts.active')}</Tag>
              ),
          },
        ]}
      />
    </Card>
  );
}
