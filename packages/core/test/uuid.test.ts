import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { uuidText, uuidWords } from '../src/uuid.js';
import { newEventId } from '../src/envelope.js';

describe('uuidWords / uuidText', () => {
  it('round-trips every lowercase UUID, into signed and unsigned words, at any offset', () => {
    fc.assert(
      fc.property(
        fc.uuid().map((u) => u.toLowerCase()),
        fc.nat({ max: 3 }),
        (id, at) => {
          const u = new Uint32Array(8);
          const s = new Int32Array(8);
          expect(uuidWords(id, u, at)).toBe(true);
          expect(uuidWords(id, s, at)).toBe(true);
          expect(uuidText(u, at)).toBe(id);
          expect(uuidText(s, at)).toBe(id);
          expect(u[at]!.toString(16).padStart(8, '0')).toBe(id.slice(0, 8));
        },
      ),
    );
    const w = new Uint32Array(4);
    const id = newEventId();
    expect(uuidWords(id, w)).toBe(true);
    expect(uuidText(w)).toBe(id);
  });

  it('refuses anything but 8-4-4-4-12 lowercase hex', () => {
    const w = new Uint32Array(4);
    for (const bad of [
      '',
      'not-a-uuid',
      '0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6A7B',
      '0190a0b2x7c3d-7e4f-8a1b-2c3d4e5f6a7b',
      '0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7',
      '0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7bc',
      '0190a0b2-7c3d-7e4f-8a1b-2c3d4e5f6a7ẞ',
    ])
      expect(uuidWords(bad, w), bad).toBe(false);
  });
});
