// Small shared pieces of the places pages: the list-status tag and the kinds of place (loaded once).
import { Tag } from 'antd';
import { type ListStatus, placesApi } from '../../api/hazards';
import { useI18n } from '../../i18n';

let kinds: ReturnType<typeof placesApi.kinds> | null = null;
export function loadKinds() {
  if (!kinds) {
    kinds = placesApi.kinds().catch((e: unknown) => {
      kinds = null;
      throw e;
    });
  }
  return kinds.then((r) => r.items);
}

export function ListTag({ status }: { status: ListStatus }) {
  const { tc } = useI18n();
  if (status === 'none') return null;
  return (
    <Tag color={status === 'black' ? '#262626' : 'green'} data-testid="place-list-tag" data-status={status}>
      {tc('places.listStatus', status)}
    </Tag>
  );
}
