/**
 * A command's problem has the library's error shape: `path` always present (empty for the whole
 * input), `where` the same place as text for the one-line message.
 */
import { describe, expect, it } from 'vitest';
import { CliError, problem, refused, usage } from '../src/exit.js';

describe('CliProblem', () => {
  it('keeps an argument or file line as a one-segment path and as text', () => {
    const p = problem('invalid-option', '--students must be an integer', '--students');
    expect(p.path).toEqual(['--students']);
    expect(p.where).toBe('--students');
  });

  it('writes a library path as text, indexes in brackets', () => {
    const p = problem('invalid-data', 'not a score', ['commands', 3, 'data', 'value'], 'TT22 Điều 5.2');
    expect(p.path).toEqual(['commands', 3, 'data', 'value']);
    expect(p.where).toBe('commands[3].data.value');
    expect(p.rule).toBe('TT22 Điều 5.2');
  });

  it('has an empty path and no where for the whole input', () => {
    const p = problem('empty-file', 'the file has no rows', []);
    expect(p.path).toEqual([]);
    expect('where' in p).toBe(false);
    expect(problem('x', 'y').path).toEqual([]);
  });

  it('carries the exit code with the problem', () => {
    expect(usage('a', 'b', '--db')).toBeInstanceOf(CliError);
    expect(usage('a', 'b').exitCode).toBe(2);
    expect(refused('a', 'b', ['data']).exitCode).toBe(1);
    expect(refused('a', 'b', ['data']).problem.where).toBe('data');
  });
});
