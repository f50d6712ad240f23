// Writing units out as GeoJSON or CSV with the same fields the importer reads, so that an export
// re-imports as it is. Rows come in tree order (parents first). Pure: rows in, text out.
import { stringify } from 'csv-stringify/sync';
import type { Boundary } from './geo.js';
import { CSV_COLUMNS } from './import.js';
import type { GridKind, Level } from './schema.js';

export interface ExportRow {
  code: string;
  name: string;
  level: Level;
  parentCode: string | null;
  population: number | null;
  households: number | null;
  gridKind: GridKind | null;
  boundary: Boundary | null;
}

export function toGeoJSON(rows: ExportRow[]): string {
  const parts: string[] = [];
  for (const r of rows) {
    parts.push(
      JSON.stringify({
        type: 'Feature',
        properties: {
          code: r.code,
          name: r.name,
          level: r.level,
          parent_code: r.parentCode,
          population: r.population,
          households: r.households,
          grid_kind: r.gridKind,
        },
        geometry: r.boundary,
      }),
    );
  }
  return `{"type":"FeatureCollection","features":[\n${parts.join(',\n')}\n]}\n`;
}

export function toCsv(rows: ExportRow[]): string {
  return stringify(
    rows.map((r) => [
      r.code,
      r.name,
      r.level,
      r.parentCode ?? '',
      r.population ?? '',
      r.households ?? '',
      r.gridKind ?? '',
    ]),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}
