// The phases of `hoso demo`, each entered when a progress line on stderr contains its marker (in
// this order); shared by demo-memory.mjs (RSS per phase) and demo-heap.mjs (live heap at each boundary).
export const PHASES = /** @type {const} */ ([
  ['setting up the school', 'setting up the school ('],
  ['term I entries and sign-offs', 'entry window "hk1'],
  ["term II and the year's sign-offs", 'checkpoint after term I'],
  ['export of the bundle', 'checkpoint at the end of the year'],
  ['in-process verification', 'verifying the bundle ('],
  ['records fold and documents built', 'verifying the bundle: done'],
  ['printing (PDF and HTML)', 'printing the books (PDF and HTML) ('],
]);
