// The people assigned to a unit (定格定人定责定序), paginated. Outside the user's scope the server
// answers 403: that is an expected answer, shown in place, not an error toast.
import { Alert, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { isApiError } from '../../api/client';
import { unitsApi } from '../../api/endpoints';
import type { AssignedPerson } from '../../api/types';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';

const PAGE_SIZE = 10;
const forbidden = (e: unknown) => isApiError(e, 403);

export function UnitPeople({ unitId }: { unitId: number }) {
  const { t, tc } = useI18n();
  const [page, setPage] = useState(1);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new unit starts again at page 1
  useEffect(() => setPage(1), [unitId]);
  const people = useAsync((signal) => unitsApi.people(unitId, page, PAGE_SIZE, signal), [unitId, page], {
    expected: forbidden,
  });

  return (
    <div className="unit-people" data-testid="unit-people">
      <Typography.Title level={5}>{t('units.people')}</Typography.Title>
      {forbidden(people.error) ? (
        <Alert type="info" showIcon message={t('units.peopleForbidden')} data-testid="people-forbidden" />
      ) : (
        <Table<AssignedPerson>
          size="small"
          scroll={{ x: 'max-content' }}
          rowKey={(p) => `${p.personId}-${p.duty}`}
          loading={people.loading}
          dataSource={people.data?.items ?? []}
          locale={{ emptyText: t('units.peopleEmpty') }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: people.data?.total ?? 0,
            onChange: setPage,
            hideOnSinglePage: true,
            size: 'small',
            showTotal: (total) => t('common.total', { total }),
          }}
          columns={[
            { key: 'rank', title: t('units.rank'), dataIndex: 'rank', width: 56 },
            { key: 'name', title: t('units.name'), dataIndex: 'name' },
            { key: 'duty', title: t('units.duty'), render: (_, p) => tc('duty', p.duty) },
            { key: 'phone', title: t('units.phone'), render: (_, p) => p.phone ?? '—' },
          ]}
        />
      )}
    </div>
  );
}
