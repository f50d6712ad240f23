// The safety-index engine: pure TypeScript, no I/O. See README.md for the method and its options.
export { aggregate } from './aggregate.js';
export type { CheckFlag, CheckKind, DataChecks } from './checks.js';
export { EngineInputError, type EngineIssue, type EngineWarning } from './errors.js';
export { type ChangeExplanation, contributions, explainChange } from './explain.js';
export { Matrix } from './matrix.js';
export {
  type AggregateSpec,
  type AhpSpec,
  aggregateSpecSchema,
  type Method,
  type MethodInput,
  methodSchema,
  type NormaliseSpec,
  normaliseSpecSchema,
  parseMethod,
} from './method.js';
export { computeIndex, type EngineInput, type IndexResult } from './pipeline.js';
export type { ImputedPoint } from './prepare.js';
export type { TreatedPoint, TreatSummary } from './treat.js';
export { buildTree, type MetaRow, type MetaType, type Tree, type TreeNode } from './tree.js';
export {
  runUncertainty,
  type Sensitivity,
  type UncertaintyOptions,
  type UncertaintyResult,
} from './uncertainty.js';
export { type AhpResult, ahpWeights, RANDOM_INDEX } from './weights.js';
