// The navigation table: one line per page. The side menu, the route matching and each role's home
// page all read it, so a new module adds exactly one entry here.
import { ApartmentOutlined, KeyOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { type ComponentType, lazy } from 'react';
import { type Role, STAFF_ROLES } from '../api/types';
import type { MessageKey } from '../i18n';
import { isUnder } from '../router/router';

export interface NavEntry {
  key: string;
  /** Base path; the page also owns every path below it (/units/42). */
  path: string;
  labelKey: MessageKey;
  roles: readonly Role[];
  icon: ComponentType;
  page: ComponentType;
}

export const NAV: readonly NavEntry[] = [
  {
    key: 'units',
    path: '/units',
    labelKey: 'nav.units',
    roles: STAFF_ROLES,
    icon: ApartmentOutlined,
    page: lazy(() => import('../pages/units/UnitsExplorer')),
  },
  {
    key: 'accounts',
    path: '/admin/accounts',
    labelKey: 'nav.accounts',
    roles: ['admin'],
    icon: TeamOutlined,
    page: lazy(() => import('../pages/admin/AccountsPage')),
  },
  {
    key: 'apiKeys',
    path: '/admin/api-keys',
    labelKey: 'nav.apiKeys',
    roles: ['admin'],
    icon: KeyOutlined,
    page: lazy(() => import('../pages/admin/ApiKeysPage')),
  },
  {
    key: 'resident',
    path: '/resident',
    labelKey: 'nav.resident',
    roles: ['resident'],
    icon: UserOutlined,
    page: lazy(() => import('../pages/ResidentPage')),
  },
];

export function navFor(roles: readonly Role[]): NavEntry[] {
  return NAV.filter((e) => e.roles.some((r) => roles.includes(r)));
}

/** A role's home: the first page it may open. */
export function homePath(roles: readonly Role[]): string {
  return navFor(roles)[0]?.path ?? '/resident';
}

/** The entry owning a path, whether or not the user may open it. */
export function entryFor(pathname: string): NavEntry | undefined {
  return NAV.find((e) => isUnder(pathname, e.path));
}
