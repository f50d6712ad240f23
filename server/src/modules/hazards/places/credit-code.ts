// The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters from a 31-character
// alphabet (digits and capital letters without I, O, Z, S, V):
//   1      registration authority (登记管理部门: 1 机构编制, 5 民政, 9 工商/市场监管, Y 其他 …)
//   2      kind of organisation (机构类别: 91 企业, 92 个体工商户, 93 农民专业合作社 …)
//   3–8    administrative division code of the registering authority (6 digits)
//   9–17   organisation code (主体标识码, GB 11714)
//   18     check character: C18 = 31 − (Σ Ci·Wi mod 31), 31 written as 0, with the weights below
// Pure: no I/O. Only the structure and the check character are verified (the authority and kind codes
// are left open: the standard lets authorities add codes).

export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
/** The shape (same as the database's CHECK): alphabet, digits in positions 3–8. */
export const CREDIT_CODE_RE = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character the first 17 characters call for; null when one is outside the alphabet. */
export function creditCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first17[i]!);
    if (v < 0) return null;
    sum += v * WEIGHTS[i]!;
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** How a code was written: NFKC (full-width → half-width), no spaces or hyphens, upper case. */
export function normalizeCreditCode(s: string): string {
  return s.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
}

export type CreditCodeCheck =
  | { ok: true; code: string }
  | { ok: false; reason: 'length' | 'characters' | 'division' | 'check'; message: string; expected?: string };

/** Checks a written code (normalised first); the message is Chinese first, English second. */
export function checkCreditCode(written: string): CreditCodeCheck {
  const code = normalizeCreditCode(written);
  if (code.length !== 18)
    return {
      ok: false,
      reason: 'length',
      message: `统一社会信用代码应为 18 位，这里是 ${code.length} 位 / A unified social credit code has 18 characters, not ${code.length}`,
    };
  const bad = [...code].find((c) => !CREDIT_CODE_ALPHABET.includes(c));
  if (bad !== undefined)
    return {
      ok: false,
      reason: 'characters',
      message: `统一社会信用代码不能含有字符“${bad}”（不用 I、O、Z、S、V）/ The character "${bad}" cannot occur in a credit code (I, O, Z, S and V are not used)`,
    };
  if (!/^[0-9]{6}$/.test(code.slice(2, 8)))
    return {
      ok: false,
      reason: 'division',
      message:
        '统一社会信用代码第 3–8 位应为行政区划代码（数字）/ Characters 3–8 are a division code (digits)',
    };
  const expected = creditCheckChar(code.slice(0, 17))!;
  if (code[17] !== expected)
    return {
      ok: false,
      reason: 'check',
      expected,
      message: `统一社会信用代码校验位错误（应为 ${expected}），请核对是否抄错 / The check character is wrong (the first 17 characters call for ${expected}): the code was probably mistyped`,
    };
  return { ok: true, code };
}

/** A valid code from 17 characters (test factories and the demo seed). */
export function withCheckChar(first17: string): string {
  const c = creditCheckChar(first17);
  if (c === null) throw new Error(`not 17 characters of the credit-code alphabet: ${first17}`);
  return first17 + c;
}
