// The units explorer: tree and search on the left, the map of the selected unit's children in the
// middle, its details and people on the right, the breadcrumb of ancestors on top.
// The selection lives in the URL (/units/<id>) so back/forward and links work.
import { ArrowUpOutlined } from '@ant-design/icons';
import { Button, Card, Result, Spin } from 'antd';
import { lazy, Suspense, useEffect } from 'react';
import { isApiError } from '../../api/client';
import { systemApi, unitsApi } from '../../api/endpoints';
import type { Level, Unit, User } from '../../api/types';
import { useUser } from '../../auth/AuthProvider';
import { useI18n } from '../../i18n';
import { useAsync } from '../../lib/useAsync';
import { navigate, useLocation } from '../../router/router';
import { childLevel } from './levels';
import { UnitBreadcrumb } from './UnitBreadcrumb';
import { UnitDetails } from './UnitDetails';
import { UnitPeople } from './UnitPeople';
import { UnitSearch } from './UnitSearch';
import { UnitTree } from './UnitTree';

// MapLibre is large: it loads with the map, not with the login page
const UnitMap = lazy(() => import('./UnitMap'));

const BASE = '/units';
const select = (id: number) => navigate(`${BASE}/${id}`);

/** The tree's roots: the user's scope unit, or else the highest level that has units. */
async function loadRoots(user: User, signal: AbortSignal): Promise<Unit[]> {
  if (user.scope.unit) return [await unitsApi.get(user.scope.unit.id, signal)];
  for (const level of ['city', 'county', 'town'] as const) {
    const page = await unitsApi.list({ level, pageSize: 200 }, signal);
    if (page.items.length > 0) return page.items;
  }
  return [];
}

/** Where to start without a selection: the single root, and below it while there is only one child. */
async function startingUnit(roots: Unit[]): Promise<number | null> {
  if (roots.length !== 1 || !roots[0]) return null;
  let unit = roots[0];
  for (let depth = 0; depth < 3; depth++) {
    const page = await unitsApi.list({ parent: unit.id, pageSize: 2 });
    if (page.total !== 1 || !page.items[0]) break;
    unit = page.items[0];
  }
  return unit.id;
}

export default function UnitsExplorer() {
  const { t, tc } = useI18n();
  const user = useUser();
  const { pathname } = useLocation();
  const match = /^\/units\/(\d+)$/.exec(pathname);
  const selectedId = match ? Number(match[1]) : null;

  const roots = useAsync((signal) => loadRoots(user, signal), [user.id]);
  const clientConfig = useAsync((signal) => systemApi.clientConfig(signal), []);
  useEffect(() => {
    if (selectedId !== null || !roots.data) return;
    let live = true;
    void startingUnit(roots.data).then((id) => {
      // the user may have gone to another page meanwhile: while that page's code loads, this one is
      // only hidden (its effects not cleaned up yet), and must not take them back
      if (live && id !== null && window.location.pathname === BASE)
        navigate(`${BASE}/${id}`, { replace: true });
    });
    return () => {
      live = false;
    };
  }, [selectedId, roots.data]);

  const detail = useAsync(
    selectedId === null ? null : (signal) => unitsApi.get(selectedId, signal),
    [selectedId],
    { expected: (e) => isApiError(e, 403) || isApiError(e, 404) },
  );
  // while the next unit loads, the previous one stays on screen (no flash of empty panels)
  const unit = detail.data;

  // the children of the selected unit; for a unit without children, it among its siblings
  let mapQuery: { within: number; level: Level } | null = null;
  if (unit) {
    const below = childLevel(unit.level);
    if (unit.childCount > 0 && below) mapQuery = { within: unit.id, level: below };
    else if (unit.parentId !== null) mapQuery = { within: unit.parentId, level: unit.level };
  }
  const mapKey = mapQuery ? `${mapQuery.within}:${mapQuery.level}` : '';
  const features = useAsync(mapQuery ? (signal) => unitsApi.geojson(mapQuery, signal) : null, [mapKey]);

  if (detail.error && (isApiError(detail.error, 403) || isApiError(detail.error, 404))) {
    const status = isApiError(detail.error, 403) ? '403' : '404';
    return (
      <Result status={status} title={status} subTitle={t(status === '403' ? 'error.403' : 'error.404')} />
    );
  }

  return (
    <div className="explorer">
      <div className="explorer-top">
        <Button
          size="small"
          icon={<ArrowUpOutlined />}
          disabled={!unit?.parentId || !unit.ancestors.length}
          onClick={() => unit?.parentId && select(unit.parentId)}
          title={t('units.up')}
        />
        <UnitBreadcrumb unit={unit} onPick={select} />
      </div>
      <div className="explorer-body">
        <Card size="small" className="explorer-left" title={t('units.tree')} extra={null}>
          <UnitSearch onPick={select} />
          <div className="explorer-tree">
            <UnitTree roots={roots.data} selected={unit} onSelect={select} />
          </div>
        </Card>
        <div className="explorer-map">
          <Suspense fallback={<Spin className="panel-spin" />}>
            {/* the map's style is fixed when it is created: wait for the tile URL (or its absence) */}
            {clientConfig.loading ? (
              <Spin className="panel-spin" />
            ) : (
              <UnitMap
                tileUrl={clientConfig.data?.tileUrl ?? undefined}
                data={features.data}
                loading={features.loading || detail.loading}
                highlightId={unit && unit.childCount === 0 ? unit.id : null}
                onPick={select}
              />
            )}
          </Suspense>
          {features.data && mapQuery && (
            <div className="unit-map-caption" data-testid="map-caption">
              {t('units.mapShowing', {
                count: features.data.features.length,
                level: tc('level', mapQuery.level),
              })}
            </div>
          )}
        </div>
        <Card size="small" className="explorer-right" title={t('units.details')}>
          <UnitDetails unit={unit} loading={detail.loading} />
          {unit && <UnitPeople unitId={unit.id} />}
        </Card>
      </div>
    </div>
  );
}
