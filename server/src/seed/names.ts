// Plausible, invented Chinese names and obviously fake phone numbers for the demo roster.
import type { Rng } from './rng.js';

// Common surnames in Wenzhou first (陈, 林, 黄, 王 … are the most frequent there), then national ones;
// each repeated by a rough weight.
const SURNAMES = (
  '陈陈陈陈陈陈林林林林林黄黄黄王王王张张张李李吴吴郑郑周周金金潘潘徐徐胡胡朱叶叶杨刘蔡谢池何戴郭' +
  '孙缪董季薛卢项章高余方夏邱施程姜应钱郑孔麻尤虞包蒋瞿洪詹鲍苏邵'
).split('');

const GIVEN = (
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍建国红梅鹏飞晓东丹志文辉海燕斌波宇浩凯俊' +
  '琳雪婷慧晨阳健瑞欣怡佳琪思远博文嘉乐宏亮国庆春兰海峰立新永福和平德胜晓明静怡子涵雨欣浩然'
).split('');

export function personName(rng: Rng): string {
  const surname = rng.pick(SURNAMES);
  const given = rng.next() < 0.7 ? rng.pick(GIVEN) + rng.pick(GIVEN) : rng.pick(GIVEN);
  return surname + given;
}

/**
 * The n-th demo phone number, 170-0000-0001 onwards: the 170-0000 block of a virtual-operator prefix,
 * written with hyphens so nobody mistakes it for a real mobile number.
 */
export function demoPhone(n: number): string {
  const block = String(Math.floor(n / 10_000)).padStart(4, '0');
  return `170-${block}-${String(n % 10_000).padStart(4, '0')}`;
}
