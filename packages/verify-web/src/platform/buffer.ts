/**
 * The `Buffer` global in the page: core and verify use a few Buffer calls (base64 and base64url,
 * hex, latin1, byte search) that the `buffer` package implements as Node does — all but
 * base64url (RFC 4648 §5), which Node added after it. That one encoding is added here, on the
 * package's own base64 (whose decoder already reads the URL alphabet). The browser build injects
 * this module wherever the global `Buffer` is named.
 */
import { Buffer } from 'buffer';

const baseFrom = Buffer.from.bind(Buffer) as (value: unknown, encoding?: unknown, length?: unknown) => Buffer;
type ToString = (this: Buffer, encoding?: unknown, start?: number, end?: number) => string;
// BufferConstructor does not declare `prototype`; its methods are the instances' own.
const proto = Buffer.prototype as unknown as { toString: ToString };
const baseToString = proto.toString;

Buffer.from = function from(value: unknown, encoding?: unknown, length?: unknown): Buffer {
  if (encoding === 'base64url' && typeof value === 'string') return baseFrom(value, 'base64');
  return baseFrom(value, encoding, length);
} as typeof Buffer.from;

proto.toString = function toString(this: Buffer, encoding?: unknown, start?: number, end?: number) {
  if (encoding === 'base64url')
    return baseToString.call(this, 'base64', start, end).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return baseToString.call(this, encoding, start, end);
};

export { Buffer };
