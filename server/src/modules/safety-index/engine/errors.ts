// Input problems the engine finds: each names the meta row (0-based) or the column it concerns, so the
// command line can point at the file, line and column.

export interface EngineIssue {
  message: string;
  /** 0-based index into the meta rows, when the problem is in the indicator tree. */
  metaRow?: number;
  /** Column or indicator code concerned. */
  column?: string;
  /** Which input is at fault: the indicator tree, the data, or the method. */
  source?: 'meta' | 'data' | 'method';
}

export class EngineInputError extends Error {
  constructor(readonly issues: EngineIssue[]) {
    super(issues.map((i) => i.message).join('\n'));
    this.name = 'EngineInputError';
  }
}

/** Non-fatal findings (a weak AHP matrix, a constant indicator, …) collected during a run. */
export interface EngineWarning {
  code: string;
  message: string;
  indicator?: string;
}
