// CSV cells for spreadsheets: RFC 4180 quoting and the formula guard.
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, csvText } from './csv.js';

describe('csv', () => {
  it('guards cells against formula injection', () => {
    expect(['=1+1', '+86', '-x', '@a', '\tx', 'ok', '', null].map(csvText)).toEqual([
      "'=1+1",
      "'+86",
      "'-x",
      "'@a",
      "'\tx",
      'ok',
      '',
      '',
    ]);
  });

  it('quotes a cell with a quote, comma or line break, doubling quotes', () => {
    expect(['a', 'a,b', 'say "hi"', 'x\ny', 'x\ry', 7, null].map(csvCell)).toEqual([
      'a',
      '"a,b"',
      '"say ""hi"""',
      '"x\ny"',
      '"x\ry"',
      '7',
      '',
    ]);
    expect(csvLine(['a', 'b,c', 3, undefined])).toBe('a,"b,c",3,\r\n');
  });
});
