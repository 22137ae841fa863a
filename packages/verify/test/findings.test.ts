import { describe, it, expect } from 'vitest';
import {
  FINDING_CODES,
  FindingSink,
  finding,
  groupProblems,
  renderReport,
  escapeHtml,
  type VerifyReport,
} from '../src/index.js';
import { UNCHECKED_LEGAL } from '../src/passes/certificates.js';

describe('finding catalogue', () => {
  it('has stable kebab-case codes, a severity, a rule and titles in both languages', () => {
    for (const [code, spec] of Object.entries(FINDING_CODES)) {
      expect(code).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(['error', 'warning']).toContain(spec.severity);
      expect(spec.rule.length).toBeGreaterThan(3);
      expect(spec.title.length).toBeGreaterThan(3);
      expect(spec.title_vi.length).toBeGreaterThan(3);
    }
  });

  it('caps the findings it keeps but counts every error', () => {
    const sink = new FindingSink(3);
    for (let i = 5; i > 0; i--) sink.add(finding('signature-invalid', { position: i }, 'x', 'y'));
    const out = sink.result();
    expect(out.map((f) => f.position)).toEqual([3, 4, 5, null]);
    expect(out[3]).toMatchObject({ code: 'too-many-findings', details: { dropped: 2 } });
    expect(sink.errorCount).toBe(5);
  });
});

const grouped = groupProblems(
  [
    finding(
      'signature-invalid',
      { position: 1, event: 'e1', stream: 'markbook/<b>x</b>' },
      'Bad <sig> & more',
      'Chữ ký <sai>',
    ),
  ],
  { size: 3, declaredSize: 3, checkpoints: [] },
);

const base: VerifyReport = {
  verdict: 'failed',
  ok: false,
  size: 3,
  root: 'ab'.repeat(32),
  usable: true,
  origin: 'hoso/thpt-<script>',
  findings: grouped.findings,
  problems: grouped.problems,
  passes: { integrity: 'passed', authenticity: 'failed', compliance: 'passed' },
  legal: UNCHECKED_LEGAL,
  anchors: {
    rootKeys: ['ROOTKEY'],
    sealKeys: ['hoso/x+01020304'],
    witnessKeys: [],
    since: null,
    origin: { accepted: 'hoso/thpt-<script>', expected: [], pinnedBy: null },
    missing: [],
  },
  checkpoints: [
    {
      line: 5,
      source: 'bundle',
      origin: 'hoso/x',
      size: 3,
      root: 'cd'.repeat(32),
      signedBy: ['seal'],
      cosignedBy: [],
      ok: true,
    },
  ],
  timeline: [
    {
      position: 2,
      event: 'e2',
      stream: 's',
      type: 'CorrectionMade',
      at: '2024-10-01T08:00:00+07:00',
      by: { key: 'KEYKEYKEYKEYKEY', role: 'subject' },
      summary: 'Correction "7" → "8"',
    },
  ],
  stats: { events: 3, streams: 2, signatures: 3, workers: 0, milliseconds: 1 },
};

describe('renderReport', () => {
  it('puts the verdict first, then findings, timeline and checkpoint chain, all escaped and offline', () => {
    const html = renderReport(base, { source: 'a<b>.hoso', generatedAt: '2024-10-02' });
    const order = ['NOT VERIFIED', 'Findings / Các phát hiện', 'Timeline of edits', 'Checkpoint chain'].map((s) =>
      html.indexOf(s),
    );
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<sig>');
    expect(html).toContain('Bad &lt;sig&gt; &amp; more');
    expect(html).toContain('Chữ ký &lt;sai&gt;');
    expect(html).not.toMatch(/(src|href)=|https?:\/\//);
  });

  it('says verified when ok, and unusable when the input could not be read', () => {
    expect(renderReport({ ...base, verdict: 'verified', ok: true, findings: [] })).toContain('VERIFIED / ĐẠT');
    expect(renderReport({ ...base, verdict: 'unusable', usable: false })).toContain('UNUSABLE INPUT');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
