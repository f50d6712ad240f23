import { describe, expect, it } from 'vitest';
import { isStatementRefusal, Params } from './statement.js';

describe('composed statements', () => {
  it('numbers the parameters of every part in turn', () => {
    const p = new Params();
    expect([p.add('a'), p.add(2), p.add(null)]).toEqual(['$1', '$2', '$3']);
    expect(p.values).toEqual(['a', 2, null]);
  });

  it('tells a refusal by the database (an SQLSTATE) from a failure that may have committed', () => {
    const refusal = (code: string) => Object.assign(new Error('refused'), { code, severity: 'ERROR' });
    expect(isStatementRefusal(refusal('23505'))).toBe(true);
    expect(isStatementRefusal(refusal('40001'))).toBe(true);
    expect(isStatementRefusal(new Error('Connection terminated unexpectedly'))).toBe(false);
    // node's own error codes are not the server's, even when they look like an SQLSTATE
    expect(isStatementRefusal(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(false);
    expect(isStatementRefusal(undefined)).toBe(false);
  });
});
