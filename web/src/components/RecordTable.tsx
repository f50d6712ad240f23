// A list page's table of records: compact, its header sticky inside the page body, a click on a row opens
// the record (the open one highlighted), paged with the total. One look for every registry-like list
// (places, campaigns, listings, admonition talks).
import { Table, type TableColumnsType } from 'antd';
import { useI18n } from '../i18n';
import { paging } from '../lib/paging';

export function RecordTable<T extends { id: number }>({
  testId,
  loading,
  items,
  emptyText,
  openId,
  onOpen,
  page,
  total,
  onPage,
  pageSize,
  columns,
  headerHeight = 170,
}: {
  testId: string;
  loading: boolean;
  items: readonly T[];
  emptyText: string;
  /** The record open beside the list, highlighted. */
  openId?: number | null;
  onOpen: (id: number) => void;
  page: number;
  total: number;
  onPage: (page: number) => void;
  pageSize: number;
  columns: TableColumnsType<T>;
  /** What the page shows above the table's body (filters, header), in pixels. */
  headerHeight?: number;
}) {
  const { t } = useI18n();
  return (
    <Table<T>
      data-testid={testId}
      size="small"
      rowKey="id"
      loading={loading}
      dataSource={items as T[]}
      sticky
      scroll={{ y: `calc(100vh - 52px - 24px - ${headerHeight}px)` }}
      locale={{ emptyText }}
      onRow={(r) => ({
        onClick: () => onOpen(r.id),
        className: r.id === openId ? 'events-row-open' : undefined,
      })}
      rowClassName="events-row"
      pagination={paging(t, page, total, onPage, pageSize)}
      columns={columns}
    />
  );
}
