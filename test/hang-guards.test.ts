// Every test file guards against hangs: each top-level describe() or test() (one that is
// not inside another's body) passes a `timeout`, so a test that hangs fails, named, instead
// of holding the whole run until something outside kills it.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import ts from 'typescript';
import { HANGS } from './helpers.ts';

const RUNNERS = new Set(['describe', 'suite', 'test', 'it']);

/** The runner a call is to (`describe`, `test.skip`, ...), or undefined for any other call. */
function runnerOf(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee) && RUNNERS.has(callee.text)) return callee.text;
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && RUNNERS.has(callee.expression.text))
    return `${callee.expression.text}.${callee.name.text}`;
  return undefined;
}

function hasTimeout(call: ts.CallExpression): boolean {
  return call.arguments.some(
    (a) => ts.isObjectLiteralExpression(a) && a.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === 'timeout'),
  );
}

/** The top-level describe/test calls of a test file that pass no `timeout`, as `line: runner`. */
function unguarded(source: string): string[] {
  const file = ts.createSourceFile('check.test.ts', source, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const runner = ts.isCallExpression(node) ? runnerOf(node) : undefined;
    if (runner === undefined) return ts.forEachChild(node, visit);
    // Calls inside its body run under its guard.
    if (!hasTimeout(node as ts.CallExpression)) found.push(`${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${runner}`);
  };
  visit(file);
  return found;
}

// Spelled through a constant: these are source text for the checker, not skipped tests.
const SKIP = 'skip';

describe('hang guards', { timeout: HANGS }, () => {
  test('the check finds a top-level test or describe without a timeout, at any depth of loops, and only those', () => {
    const source = [
      "describe('a', { timeout: HANGS }, () => { test('inside', () => {}); });",
      "test('b', () => {});",
      `for (const n of [1, 2]) describe.${SKIP}(\`c \${n}\`, () => {});`,
      "test('d', { timeout }, async (t) => { await t.test('sub', () => {}); });",
      `if (ok) { test('e', { ${SKIP}: true }, () => {}); }`,
    ].join('\n');
    assert.deepEqual(unguarded(source), ['2: test', '3: describe.skip', '5: test']);
  });

  test('every test file passes a timeout to each of its top-level describe() and test() calls', () => {
    const dir = new URL('./', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.test.ts'));
    assert.ok(files.length > 1);
    const missing = files.flatMap((f) => unguarded(readFileSync(new URL(f, dir), 'utf8')).map((where) => `test/${f}:${where}`));
    assert.deepEqual(missing, [], `without { timeout: HANGS }:\n${missing.join('\n')}`);
  });
});
