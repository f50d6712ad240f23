// The navigation table: one line per page. The side menu, the route matching and each role's home
// page all read it, so a new module adds exactly one entry here.
import {
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  CalculatorOutlined,
  CameraOutlined,
  ControlOutlined,
  DashboardOutlined,
  EnvironmentOutlined,
  FileAddOutlined,
  FileSearchOutlined,
  FlagOutlined,
  FundOutlined,
  GlobalOutlined,
  HeatMapOutlined,
  KeyOutlined,
  OrderedListOutlined,
  SafetyCertificateOutlined,
  SafetyOutlined,
  ShopOutlined,
  SolutionOutlined,
  TeamOutlined,
  TrophyOutlined,
  UserOutlined,
} from '@ant-design/icons';
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
  /** Roles whose home this page is, ahead of the first page they may open. */
  home?: readonly Role[];
  /** Reached by links only: not listed in the side menu. */
  hidden?: boolean;
}

/**
 * The staff of the hazard pages: the hazards' viewers and the departments (hazards/policy.ts RECORD_ROLES),
 * who are also those who read checklists and campaigns (inspections STAFF_ROLES) and listings (listing
 * policy `staff`).
 */
const HAZARD_STAFF: readonly Role[] = [
  'grid_worker',
  'micro_grid_leader',
  'village_staff',
  'town_staff',
  'department_staff',
  'dispatcher',
  'safety_office',
  'leader',
  'admin',
];

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
    key: 'events',
    path: '/events',
    labelKey: 'nav.events',
    roles: [
      'dispatcher',
      'town_staff',
      'village_staff',
      'grid_worker',
      'micro_grid_leader',
      'department_staff',
      'leader',
      'safety_office',
      'admin',
    ],
    icon: SolutionOutlined,
    page: lazy(() => import('../pages/events/EventsWorkbench')),
    home: ['dispatcher'],
  },
  {
    key: 'daily',
    path: '/daily',
    labelKey: 'nav.daily',
    roles: ['leader', 'safety_office', 'dispatcher', 'town_staff', 'admin'],
    icon: DashboardOutlined,
    page: lazy(() => import('../pages/events/DailyView')),
    home: ['leader', 'safety_office'],
  },
  // Hidden dangers (issue 6). The record page and the figures sit under /hazards, so they come before
  // the workbench (the first entry owning a path wins). The roles follow the server's policies:
  // hazards/policy.ts, inspections/policy.ts, listing/policy.ts.
  {
    key: 'hazardRecord',
    path: '/hazards/new',
    labelKey: 'nav.hazardRecord',
    roles: ['grid_worker', 'micro_grid_leader', 'village_staff', 'department_staff', 'safety_office'],
    icon: FileAddOutlined,
    page: lazy(() => import('../pages/hazards/RecordHazard')),
  },
  {
    key: 'hazardMetrics',
    path: '/hazards/metrics',
    labelKey: 'nav.hazardMetrics',
    roles: ['leader', 'safety_office', 'dispatcher', 'town_staff', 'village_staff', 'admin'],
    icon: FundOutlined,
    page: lazy(() => import('../pages/hazards/MetricsPage')),
  },
  {
    key: 'hazards',
    path: '/hazards',
    labelKey: 'nav.hazards',
    roles: HAZARD_STAFF,
    icon: SafetyOutlined,
    page: lazy(() => import('../pages/hazards/HazardsWorkbench')),
  },
  {
    // the checklist templates: every staff role reads them (inspections STAFF_ROLES); reached from the
    // campaigns page
    key: 'inspectionTemplates',
    path: '/inspections/templates',
    labelKey: 'nav.inspectionTemplates',
    roles: HAZARD_STAFF,
    icon: OrderedListOutlined,
    page: lazy(() => import('../pages/inspections/TemplatesPage')),
    hidden: true,
  },
  {
    // the phone page at the site: covert inspectors (safety office) and self-inspection fillers
    key: 'inspectionVisit',
    path: '/inspections/visit',
    labelKey: 'nav.inspectionVisit',
    roles: ['grid_worker', 'micro_grid_leader', 'village_staff', 'town_staff', 'safety_office', 'admin'],
    icon: EnvironmentOutlined,
    page: lazy(() => import('../pages/inspections/VisitPage')),
    hidden: true,
  },
  {
    key: 'inspections',
    path: '/inspections',
    labelKey: 'nav.inspections',
    roles: HAZARD_STAFF,
    icon: FileSearchOutlined,
    page: lazy(() => import('../pages/inspections/CampaignsPage')),
  },
  {
    key: 'listings',
    path: '/listings',
    labelKey: 'nav.listings',
    roles: HAZARD_STAFF,
    icon: FlagOutlined,
    page: lazy(() => import('../pages/listing/ListingsPage')),
  },
  {
    // listing/policy.ts ranking
    key: 'ranking',
    path: '/ranking',
    labelKey: 'nav.ranking',
    roles: ['leader', 'safety_office', 'dispatcher', 'town_staff', 'admin'],
    icon: TrophyOutlined,
    page: lazy(() => import('../pages/listing/RankingPage')),
  },
  {
    key: 'places',
    path: '/places',
    labelKey: 'nav.places',
    roles: [
      'grid_worker',
      'micro_grid_leader',
      'village_staff',
      'town_staff',
      'department_staff',
      'dispatcher',
      'mediator',
      'safety_office',
      'leader',
      'admin',
    ],
    icon: ShopOutlined,
    page: lazy(() => import('../pages/places/PlacesPage')),
  },
  {
    key: 'indexMap',
    path: '/index/map',
    labelKey: 'indexmap.nav',
    roles: ['leader', 'safety_office', 'dispatcher', 'town_staff', 'village_staff', 'admin'],
    icon: HeatMapOutlined,
    page: lazy(() => import('../pages/index-map/IndexMapPage')),
  },
  {
    key: 'indexUnit',
    path: '/index/units',
    labelKey: 'indexmap.unitNav',
    roles: ['leader', 'safety_office', 'dispatcher', 'town_staff', 'village_staff', 'admin'],
    icon: BarChartOutlined,
    page: lazy(() => import('../pages/index-map/UnitIndexPage')),
    hidden: true,
  },
  {
    key: 'safeVillages',
    path: '/index/safe-villages',
    labelKey: 'indexmap.safe.nav',
    roles: ['leader', 'safety_office', 'dispatcher', 'town_staff', 'village_staff', 'admin'],
    icon: SafetyCertificateOutlined,
    page: lazy(() => import('../pages/index-map/SafeVillagesPage')),
  },
  {
    key: 'indexRuns',
    path: '/index/runs',
    labelKey: 'indexadmin.nav.runs',
    roles: ['safety_office', 'admin', 'leader'],
    icon: CalculatorOutlined,
    page: lazy(() => import('../pages/index-admin/RunsPage')),
  },
  {
    key: 'indexSchemes',
    path: '/index/schemes',
    labelKey: 'indexadmin.nav.schemes',
    roles: ['safety_office', 'admin'],
    icon: ControlOutlined,
    page: lazy(() => import('../pages/index-admin/SchemesPage')),
  },
  {
    key: 'indexAccountability',
    path: '/index/accountability',
    labelKey: 'indexadmin.nav.accountability',
    roles: ['safety_office', 'admin', 'leader', 'town_staff', 'village_staff'],
    icon: AuditOutlined,
    page: lazy(() => import('../pages/index-admin/AccountabilityPage')),
  },
  {
    // public (no login, no console frame): see App.tsx
    key: 'publicIndex',
    path: '/public/index',
    labelKey: 'indexmap.public.title',
    roles: [],
    icon: GlobalOutlined,
    page: lazy(() => import('../pages/index-map/PublicIndexPage')),
    hidden: true,
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
    key: 'report',
    path: '/report',
    labelKey: 'nav.report',
    roles: ['resident', 'grid_worker', 'micro_grid_leader'],
    icon: CameraOutlined,
    page: lazy(() => import('../pages/report/ReportPage')),
    home: ['resident'],
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
  return NAV.filter((e) => !e.hidden && e.roles.some((r) => roles.includes(r)));
}

/** A role's home: the page marked as its home, else the first page it may open. */
export function homePath(roles: readonly Role[]): string {
  const entries = navFor(roles);
  const home = entries.find((e) => e.home?.some((r) => roles.includes(r)));
  return (home ?? entries[0])?.path ?? '/resident';
}

/** The entry owning a path, whether or not the user may open it. */
export function entryFor(pathname: string): NavEntry | undefined {
  return NAV.find((e) => isUnder(pathname, e.path));
}
