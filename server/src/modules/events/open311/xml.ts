// GeoReport v2's XML: the same documents as the JSON answers, written as elements without attributes
// or namespaces. A list is a wrapper element whose items take the singular name the spec gives them
// (<services><service>, <service_requests><request>, <attributes><attribute>, …). Written here
// rather than with a library: the shapes are fixed and small, and what matters is exactly what a
// builder leaves to its caller — escaping every text, and dropping the characters XML 1.0 cannot
// carry at all (control characters, lone surrogates), which a resident's description may contain.

/** The element name of one item of each list the spec defines. */
export const XML_ITEM_NAMES: Readonly<Record<string, string>> = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

const NAME_RE = /^[a-z_][a-z0-9_]*$/;
// characters XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text as element content: escaped, with characters XML cannot represent removed. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;'); // a raw CR would be normalised away by the reader
}

function element(name: string, value: unknown, out: string[]): void {
  if (!NAME_RE.test(name)) throw new Error(`not an element name: ${name}`);
  if (value === null || value === undefined) {
    out.push(`<${name}/>`);
    return;
  }
  if (Array.isArray(value)) {
    const item = XML_ITEM_NAMES[name];
    if (!item) throw new Error(`no item element for the list ${name}`);
    out.push(`<${name}>`);
    for (const v of value) element(item, v, out);
    out.push(`</${name}>`);
    return;
  }
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) element(k, v, out);
    out.push(`</${name}>`);
    return;
  }
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    throw new Error(`${name}: cannot write a ${typeof value} as XML`);
  const text = typeof value === 'string' ? escapeXml(value) : String(value);
  out.push(text === '' ? `<${name}/>` : `<${name}>${text}</${name}>`);
}

/**
 * A whole document: the XML declaration the spec requires, then `root` holding `value` — an object
 * (its members become child elements, in order), a list (see XML_ITEM_NAMES), text, a number or a
 * boolean; null is an empty element.
 */
export function toXml(root: string, value: unknown): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>\n'];
  element(root, value, out);
  out.push('\n');
  return out.join('');
}
