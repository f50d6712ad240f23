// Small shared pieces of the listing pages: the listing's state tag (listed, overdue, taken off) and the
// admonition follow-up's tag; who may list (listing/policy.ts LIST_ROLES).
import { Tag } from 'antd';
import type { Admonition, Listing } from '../../api/listing';
import type { Role } from '../../api/types';
import { useI18n } from '../../i18n';

export const LIST_ROLES: readonly Role[] = ['safety_office', 'town_staff', 'department_staff', 'admin'];

export function ListingStateTag({ listing }: { listing: Pick<Listing, 'state' | 'overdue'> }) {
  const { t, tc } = useI18n();
  if (listing.state === 'delisted')
    return (
      <Tag color="green" data-testid="listing-state" data-state="delisted">
        {tc('listing.state', 'delisted')}
      </Tag>
    );
  return (
    <Tag color={listing.overdue ? 'red' : 'volcano'} data-testid="listing-state" data-state="listed">
      {tc('listing.state', 'listed')}
      {listing.overdue ? ` · ${t('listing.overdue')}` : ''}
    </Tag>
  );
}

export function FollowUpTag({ admonition }: { admonition: Pick<Admonition, 'followUp'> }) {
  const { t, tc } = useI18n();
  const f = admonition.followUp;
  const color =
    f.state === 'done' ? 'green' : f.state === 'not_done' ? 'red' : f.overdue ? 'orange' : 'default';
  return (
    <Tag color={color} data-testid="followup-state" data-state={f.state}>
      {tc('listing.followUp', f.state)}
      {f.state === 'pending' && f.overdue ? ` · ${t('listing.overdue')}` : ''}
    </Tag>
  );
}
