import { describe, it, expect } from 'vitest';
import { buildSchool, as } from '@hoso/ledger/testing';

describe('smoke', () => {
  it('builds a school and enters a score', async () => {
    const s = await buildSchool();
    const r = await s.ledger.execute(
      {
        type: 'EnterScore',
        data: {
          year: s.year,
          class: s.cls,
          subject: 'toan',
          student: 'hs-001',
          term: 'HK1',
          column: 'tx',
          index: 1,
          value: '8.5',
        },
      },
      [as(s.people.teacher, 'subject')],
    );
    expect(r).toMatchObject({ _tag: 'Right' });
  });
});
