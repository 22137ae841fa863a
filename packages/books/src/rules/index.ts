/** Grading rule sets: TT22 (secondary), GDTX (TT43), TT27 (primary), preschool (WHO). */
export * from './levels.js';
export * from './tt22.js';
export * from './gdtx.js';
export * from './tt27.js';
export * from './preschool.js';
export * from './select.js';
