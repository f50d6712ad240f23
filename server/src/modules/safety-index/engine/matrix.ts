// Unit × column matrices stored column-major in one Float64Array: every per-indicator step (treatment,
// normalisation) walks a contiguous column, and aggregation accumulates whole columns at a time.
// Missing values are NaN.

export class Matrix {
  readonly data: Float64Array;
  private readonly index: Map<string, number>;

  constructor(
    readonly codes: readonly string[],
    readonly nUnits: number,
    data?: Float64Array,
  ) {
    this.data = data ?? new Float64Array(codes.length * nUnits).fill(Number.NaN);
    if (this.data.length !== codes.length * nUnits) throw new Error('matrix size does not match its shape');
    this.index = new Map(codes.map((c, j) => [c, j]));
  }

  get nCols(): number {
    return this.codes.length;
  }

  /** A live view of column j (writes go into the matrix). */
  col(j: number): Float64Array {
    return this.data.subarray(j * this.nUnits, (j + 1) * this.nUnits);
  }

  colOf(code: string): Float64Array {
    const j = this.index.get(code);
    if (j === undefined) throw new Error(`no column '${code}'`);
    return this.col(j);
  }

  has(code: string): boolean {
    return this.index.has(code);
  }

  indexOf(code: string): number {
    return this.index.get(code) ?? -1;
  }

  get(unit: number, j: number): number {
    return this.data[j * this.nUnits + unit]!;
  }

  set(unit: number, j: number, v: number): void {
    this.data[j * this.nUnits + unit] = v;
  }

  clone(): Matrix {
    return new Matrix(this.codes, this.nUnits, this.data.slice());
  }

  /** Rows as plain objects, for output and tests (not for hot loops). */
  row(unit: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (let j = 0; j < this.codes.length; j++) out[this.codes[j]!] = this.get(unit, j);
    return out;
  }
}
