// A WHERE clause built condition by condition with numbered parameters ($1, $2 …), for the list
// filters of repositories (events, hazards): conditions are joined with AND, values never spliced in.

export class Where {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** A new parameter holding `v`; its placeholder ($n) to write into a condition. */
  $(v: unknown): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }

  /** A condition; with a value, each `?` in it stands for that value (one parameter). */
  add(sql: string, ...value: [unknown?]): this {
    this.conditions.push(value.length ? sql.replaceAll('?', this.$(value[0])) : sql);
    return this;
  }

  /** `WHERE … AND …`, or '' when no condition was added. */
  get sql(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}
