// One statement written by several modules. Writes that belong together (a batch of new events, their
// audit entries, their feed rows) can reach the database as one statement: one round trip, atomic on its
// own, without BEGIN and COMMIT. Each module still writes the SQL of its own tables: its repository
// makes a part (CTEs that insert its rows) and the caller joins the parts to its own statement.

/** A composed statement's parameters: each part asks for its placeholders in turn. */
export class Params {
  readonly values: unknown[] = [];

  /** The placeholder (`$n`) of a new parameter. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * A module's part of a composed statement: CTEs (`name AS (…)`, comma-separated, their names starting
 * with the part's name) that write its rows for those entities only whose ids the caller's CTE `onlyFor`
 * returns (a relation with a bigint column `id`: the rows the caller's statement actually wrote).
 */
export interface StatementPart {
  /** Names the part in the composed statement's prepared name: one name, one text (db/types.ts). */
  readonly name: string;
  ctes(params: Params, onlyFor: string): string;
}

/**
 * Whether an error is the database refusing a statement (an error message from the server: an SQLSTATE
 * and a severity, as node-postgres and PGlite report it): then the statement changed nothing. Any other
 * failure of a statement that commits on its own (the connection lost while it ran) leaves unknown
 * whether it committed.
 */
export function isStatementRefusal(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const { code, severity } = e as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}
