// For tests: reads an XML document back with saxes, a conforming XML 1.0 parser that refuses any
// document that is not well-formed (bad escapes, forbidden characters, unclosed elements).
import { SaxesParser } from 'saxes';

export interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

export function parseXml(xml: string): { root: XmlNode; encoding: string | undefined } {
  const parser = new SaxesParser();
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  let encoding: string | undefined;
  parser.on('xmldecl', (d) => {
    encoding = d.encoding;
  });
  parser.on('opentag', (tag) => {
    if (Object.keys(tag.attributes).length > 0) throw new Error(`<${tag.name}> carries attributes`);
    const node: XmlNode = { name: tag.name, children: [], text: '' };
    stack.at(-1)?.children.push(node);
    stack.push(node);
    root ??= node;
  });
  parser.on('text', (t) => {
    const top = stack.at(-1);
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return { root, encoding };
}

/** The names of a node's child elements, in order. */
export const childNames = (n: XmlNode) => n.children.map((c) => c.name);

/** One child by name (throws when missing). */
export function child(n: XmlNode, name: string): XmlNode {
  const c = n.children.find((x) => x.name === name);
  if (!c) throw new Error(`<${n.name}> has no <${name}>`);
  return c;
}

/** A flat record element (<request>, <service>, …): child name → its text. */
export const textsOf = (n: XmlNode): Record<string, string> =>
  Object.fromEntries(n.children.map((c) => [c.name, c.text]));
