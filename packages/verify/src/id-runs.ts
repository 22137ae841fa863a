/**
 * Duplicate event ids in bounded memory. Proving that every id of a ledger is unique needs every
 * id seen so far; held in a `Set` that grows by ~55 bytes per event (1M events: 55 MB; 100M: 5 GB).
 * Instead each id is kept as 16 binary bytes with its position and stream (a 24-byte record) in a
 * fixed buffer; when the buffer fills it is sorted and written as one *sorted run* to a temporary
 * file, and {@link DuplicateIdFinder.finish} merges the runs (k-way, through small read windows)
 * so that equal ids meet. Memory: the buffer plus one window per run, whatever the log's size;
 * disk: 24 bytes per event, removed by {@link DuplicateIdFinder.dispose} on every path. A log that
 * fits in the buffer never touches the disk.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { uuidText, uuidWords } from '@hoso/core';

/** Words (uint32) per record: the id's 128 bits (4), its position, its stream number. */
const WORDS = 6;
const RECORD_BYTES = WORDS * 4;
/** Records per write while spilling a run (64 KiB writes). */
const WRITE_RECORDS = 2730;
/** Smallest read window per run during the merge (records). */
const MIN_WINDOW = 170;

/** A later occurrence of an id: where it is, and where the id first appeared. */
export interface DuplicateId {
  /** The id, as the lowercase UUID text it was given as. */
  readonly id: string;
  /** Position of the first occurrence. */
  readonly first: number;
  /** Position of this (a later) occurrence. */
  readonly position: number;
  /** The stream number given with this occurrence to {@link DuplicateIdFinder.add}. */
  readonly stream: number;
}

/** Options of {@link DuplicateIdFinder}. */
export interface DuplicateIdFinderOptions {
  /** Records held in memory before a sorted run is written (24 bytes each; at least 1). */
  readonly bufferRecords: number;
  /** Directory of the temporary file (created only when the buffer first fills). */
  readonly tempDir: string;
}

/** The outcome of {@link DuplicateIdFinder.finish}: null, or why the ids could not all be compared. */
export type DuplicateScanFailure = { readonly code: 'temp-file-failed'; readonly message: string } | null;

/** Order of two records (id, then position), each given as an array and a word offset. */
function compare(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  for (let k = 0; k < 5; k++) {
    const x = a[i + k]!;
    const y = b[j + k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** A read of the temporary file failed (told apart from a consumer's own exceptions). */
class TempFileError extends Error {}

/** One sorted run being read back during the merge, through a window of `window` records. */
class RunCursor {
  readonly words: Uint32Array;
  private readonly bytes: Uint8Array;
  /** Word offset of the current record in {@link words}. */
  at = 0;
  private loaded = 0;
  private next: number;
  private left: number;
  constructor(
    private readonly fd: number,
    offset: number,
    records: number,
    window: number,
  ) {
    const n = Math.min(window, records);
    this.bytes = new Uint8Array(n * RECORD_BYTES);
    this.words = new Uint32Array(this.bytes.buffer);
    this.next = offset;
    this.left = records;
  }

  /** Move to the next record; false when the run is exhausted. */
  advance(first: boolean): boolean {
    if (!first) this.at += WORDS;
    if (this.at < this.loaded * WORDS) return true;
    if (this.left === 0) return false;
    const n = Math.min(this.left, this.bytes.length / RECORD_BYTES);
    let got = 0;
    while (got < n * RECORD_BYTES) {
      let r: number;
      try {
        r = readSync(this.fd, this.bytes, got, n * RECORD_BYTES - got, this.next + got);
      } catch (e) {
        throw new TempFileError(e instanceof Error ? e.message : String(e));
      }
      if (r === 0) throw new TempFileError('it ended early');
      got += r;
    }
    this.next += got;
    this.left -= n;
    this.loaded = n;
    this.at = 0;
    return true;
  }
}

/**
 * Finds every later occurrence of an id among the ids {@link add}ed, in bounded memory (see the
 * module comment). Call {@link finish} once, then {@link dispose} (also on every error path: it
 * removes the temporary file and is safe to call twice).
 */
export class DuplicateIdFinder {
  private readonly capacity: number;
  /** The buffered records; grown on demand up to the capacity, so a small log costs only what it holds. */
  private records: Uint32Array;
  private count = 0;
  private readonly order: number[] = [];
  private readonly runs: Array<{ readonly offset: number; readonly records: number }> = [];
  private fd: number | null = null;
  private path: string | null = null;
  private fileBytes = 0;
  private failure: DuplicateScanFailure = null;
  private finished = false;

  constructor(private readonly options: DuplicateIdFinderOptions) {
    if (!Number.isSafeInteger(options.bufferRecords) || options.bufferRecords < 1)
      throw new RangeError('bufferRecords: must be an integer ≥ 1');
    this.capacity = options.bufferRecords;
    this.records = new Uint32Array(Math.min(this.capacity, 4096) * WORDS);
  }

  /** Number of sorted runs written to disk so far (0: everything is still in memory). */
  get spilledRuns(): number {
    return this.runs.length;
  }

  /** The temporary file, while one exists. */
  get tempFile(): string | null {
    return this.path;
  }

  /**
   * Record an occurrence of `id` (a lowercase UUID) at `position` (< 2³²) in stream number
   * `stream` (< 2³²). Positions must be added in increasing order. A failure to write the
   * temporary file is kept and returned by {@link finish}; later ids are then not recorded.
   */
  add(id: string, position: number, stream: number): void {
    if (this.finished) throw new Error('DuplicateIdFinder: add after finish');
    if (this.failure !== null) return;
    if (this.count === this.capacity) this.spill();
    if (this.failure !== null) return;
    if (this.count * WORDS === this.records.length) this.grow();
    const at = this.count * WORDS;
    if (!uuidWords(id, this.records, at))
      throw new RangeError(`not a lowercase UUID: ${JSON.stringify(id.slice(0, 40))}`);
    if (!(position >= 0 && position <= 0xffffffff && stream >= 0 && stream <= 0xffffffff))
      throw new RangeError(`position or stream number out of range: ${position}, ${stream}`);
    this.records[at + 4] = position;
    this.records[at + 5] = stream;
    this.count++;
  }

  private grow(): void {
    const next = new Uint32Array(Math.min(this.capacity, (this.records.length / WORDS) * 2) * WORDS);
    next.set(this.records);
    this.records = next;
  }

  /** Indices of the buffered records in (id, position) order. */
  private sorted(): number[] {
    const o = this.order;
    o.length = this.count;
    for (let i = 0; i < this.count; i++) o[i] = i * WORDS;
    const b = this.records;
    // UUID v7 ids are time-ordered, so a valid log's buffer is nearly sorted: TimSort is ~linear.
    o.sort((x, y) => compare(b, x, b, y));
    return o;
  }

  /** Write the buffer as one sorted run at the end of the temporary file. */
  private spill(): void {
    try {
      if (this.fd === null) {
        const path = join(this.options.tempDir, `hoso-verify-ids-${process.pid}-${randomUUID()}.tmp`);
        this.fd = openSync(path, 'wx+', 0o600);
        this.path = path;
      }
      const o = this.sorted();
      const out = new Uint32Array(Math.min(WRITE_RECORDS, this.count) * WORDS);
      const outBytes = new Uint8Array(out.buffer);
      const offset = this.fileBytes;
      let n = 0;
      const flush = (): void => {
        let done = 0;
        const len = n * RECORD_BYTES;
        while (done < len) done += writeSync(this.fd!, outBytes, done, len - done, this.fileBytes + done);
        this.fileBytes += len;
        n = 0;
      };
      for (let i = 0; i < this.count; i++) {
        out.set(this.records.subarray(o[i], o[i]! + WORDS), n * WORDS);
        if (++n * WORDS === out.length) flush();
      }
      if (n > 0) flush();
      this.runs.push({ offset, records: this.count });
      this.count = 0;
    } catch (e) {
      this.failure = {
        code: 'temp-file-failed',
        message: `the temporary id file could not be written: ${e instanceof Error ? e.message : String(e)}`,
      };
      this.dispose();
    }
  }

  /**
   * Report every later occurrence of an id, in (id, position) order, to `onDuplicate`; null when
   * all ids were compared, else why not (the temporary file failed). The temporary file is
   * removed before this returns or throws (an exception of `onDuplicate` is passed on).
   */
  finish(onDuplicate: (d: DuplicateId) => void): DuplicateScanFailure {
    if (this.finished) throw new Error('DuplicateIdFinder: finish called twice');
    this.finished = true;
    if (this.failure !== null) return this.failure;
    try {
      if (this.runs.length === 0) this.scanMemory(onDuplicate);
      else {
        if (this.count > 0) this.spill();
        if (this.failure !== null) return this.failure;
        this.merge(onDuplicate);
      }
    } catch (e) {
      if (!(e instanceof TempFileError)) throw e;
      this.failure = { code: 'temp-file-failed', message: `the temporary id file could not be read: ${e.message}` };
    } finally {
      this.dispose();
    }
    return this.failure;
  }

  private scanMemory(onDuplicate: (d: DuplicateId) => void): void {
    const b = this.records;
    const o = this.sorted();
    let first = -1;
    for (let i = 0; i < o.length; i++) {
      const at = o[i]!;
      if (i > 0 && sameId(b, o[i - 1]!, b, at))
        onDuplicate({ id: uuidText(b, at), first, position: b[at + 4]!, stream: b[at + 5]! });
      else first = b[at + 4]!;
    }
  }

  private merge(onDuplicate: (d: DuplicateId) => void): void {
    // The in-memory buffer is free now: its size is the merge's budget for read windows.
    const window = Math.max(MIN_WINDOW, Math.floor(this.capacity / this.runs.length));
    const cursors = this.runs
      .map((r) => new RunCursor(this.fd!, r.offset, r.records, window))
      .filter((c) => c.advance(true));
    const heap = new MinHeap(cursors);
    const last = new Uint32Array(WORDS);
    let have = false;
    let first = 0;
    while (heap.size > 0) {
      const c = heap.top();
      const w = c.words;
      const at = c.at;
      if (have && sameId(last, 0, w, at))
        onDuplicate({ id: uuidText(w, at), first, position: w[at + 4]!, stream: w[at + 5]! });
      else {
        last.set(w.subarray(at, at + WORDS));
        have = true;
        first = w[at + 4]!;
      }
      if (c.advance(false)) heap.siftDown();
      else heap.pop();
    }
  }

  /** Close and remove the temporary file, if any (idempotent; never throws). */
  dispose(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Already closed: nothing to release.
      }
      this.fd = null;
    }
    if (this.path !== null) {
      try {
        unlinkSync(this.path);
      } catch {
        // Already gone (or the directory was removed under us): nothing left to clean.
      }
      this.path = null;
    }
  }
}

function sameId(a: Uint32Array, i: number, b: Uint32Array, j: number): boolean {
  return a[i] === b[j] && a[i + 1] === b[j + 1] && a[i + 2] === b[j + 2] && a[i + 3] === b[j + 3];
}

/** A binary min-heap of run cursors by their current record. */
class MinHeap {
  constructor(private readonly items: RunCursor[]) {
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }
  get size(): number {
    return this.items.length;
  }
  top(): RunCursor {
    return this.items[0]!;
  }
  /** Restore order after the top's current record changed. */
  siftDown(): void {
    this.down(0);
  }
  pop(): void {
    const last = this.items.pop()!;
    if (this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
  }
  private less(i: number, j: number): boolean {
    const a = this.items[i]!;
    const b = this.items[j]!;
    return compare(a.words, a.at, b.words, b.at) < 0;
  }
  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      const t = this.items[i]!;
      this.items[i] = this.items[m]!;
      this.items[m] = t;
      i = m;
    }
  }
}
