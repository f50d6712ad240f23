// The pagination of the console's list tables: a fixed page size, the total in the user's words.
import type { Translate } from '../i18n';

export function paging(
  t: Translate,
  page: number,
  total: number,
  onChange: (page: number) => void,
  pageSize = 20,
) {
  return {
    current: page,
    pageSize,
    total,
    onChange,
    showSizeChanger: false,
    size: 'small' as const,
    showTotal: (n: number) => t('common.total', { total: n }),
  };
}
