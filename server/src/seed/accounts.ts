// The demo accounts: one per role, each named after its role, plus a few more where a second scope
// is useful to try things out. All share DEMO_PASSWORD (README.md; a production start warns loudly).
import type { Role } from '../modules/access/actor.js';
import type { Duty } from './people.js';

export interface DemoAccount {
  username: string;
  role: Role;
  /** Chinese first, then English: shown by `anwang serve` and on the login page. */
  description: string;
  displayName: string;
  scopeUnitCode?: string;
  scopeDepartmentCode?: string;
  /** The roster entry this account belongs to (a grid worker is a person on the roster). */
  person?: { unitCode: string; duty: Duty; rank: number };
}

const OUHAI = '330304';
const JINGSHAN = '330304001'; // 景山街道
const JINGSHAN_COMMUNITY = '330304001003'; // 景山社区
const GRID = `${JINGSHAN_COMMUNITY}001`; // its first grid
const MICRO_GRID = `${GRID}001`; // that grid's first micro-grid

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    username: 'admin',
    role: 'admin',
    displayName: '系统管理员',
    description: '管理员 admin · 温州市 (whole tree)',
    scopeUnitCode: '3303',
  },
  {
    username: 'dispatcher',
    role: 'dispatcher',
    displayName: '社会治理中心调度员',
    description: '调度员 dispatcher · 瓯海区社会治理中心',
    scopeUnitCode: OUHAI,
  },
  {
    username: 'safety_office',
    role: 'safety_office',
    displayName: '平安办',
    description: '平安办 safety office · 瓯海区',
    scopeUnitCode: OUHAI,
  },
  {
    username: 'leader',
    role: 'leader',
    displayName: '区领导',
    description: '领导 leader · 瓯海区',
    scopeUnitCode: OUHAI,
  },
  {
    username: 'town_staff',
    role: 'town_staff',
    displayName: '景山街道工作人员',
    description: '镇街工作人员 town staff · 景山街道',
    scopeUnitCode: JINGSHAN,
  },
  {
    username: 'village_staff',
    role: 'village_staff',
    displayName: '景山社区工作人员',
    description: '村社工作人员 village staff · 景山街道景山社区',
    scopeUnitCode: JINGSHAN_COMMUNITY,
  },
  {
    username: 'grid_worker',
    role: 'grid_worker',
    displayName: '景山社区第1网格网格员',
    description: '网格员 grid worker · 景山社区第1网格',
    scopeUnitCode: GRID,
    person: { unitCode: GRID, duty: 'grid_worker', rank: 1 },
  },
  {
    username: 'micro_grid_leader',
    role: 'micro_grid_leader',
    displayName: '景山社区第1网格第1微网格长',
    description: '微网格长 micro-grid leader · 景山社区第1网格第1微网格',
    scopeUnitCode: MICRO_GRID,
    person: { unitCode: MICRO_GRID, duty: 'micro_grid_leader', rank: 1 },
  },
  {
    username: 'department_staff',
    role: 'department_staff',
    displayName: '瓯海区公安分局工作人员',
    description: '部门工作人员 department staff · 瓯海区公安分局',
    scopeDepartmentCode: `${OUHAI}-GA`,
  },
  {
    username: 'mediator',
    role: 'mediator',
    displayName: '调解员',
    description: '调解员 mediator · 瓯海区',
    scopeUnitCode: OUHAI,
  },
  {
    username: 'resident',
    role: 'resident',
    displayName: '群众',
    description: '群众 resident · 无范围 (no scope)',
  },
  {
    username: 'town_staff_wutian',
    role: 'town_staff',
    displayName: '梧田街道工作人员',
    description: '镇街工作人员 town staff · 梧田街道',
    scopeUnitCode: '330304002',
  },
  {
    username: 'town_staff_zeya',
    role: 'town_staff',
    displayName: '泽雅镇工作人员',
    description: '镇街工作人员 town staff · 泽雅镇',
    scopeUnitCode: '330304108',
  },
  {
    username: 'department_staff_fire',
    role: 'department_staff',
    displayName: '瓯海区消防救援大队工作人员',
    description: '部门工作人员 department staff · 瓯海区消防救援大队',
    scopeDepartmentCode: `${OUHAI}-XF`,
  },
];
