// How an input becomes something an engine can run with top-level await and keep its
// declarations: as Node's own REPL does (lib/internal/repl/await.js), the input is parsed
// (acorn, the parser Node's REPL uses), wrapped in an async function, and each top-level
// declaration is hoisted out as a `var` of the engine's global scope, its initialiser
// becoming an assignment. So `const x = 1` in one input is `x` in the next, a later input
// may declare `x` again, and push()/pull() see the same variables.
import { parse, type Node, type Pattern, type Program, type Statement, type ModuleDeclaration } from 'acorn';

/** What an engine runs for one input: `script` evaluates to a promise of the input's value. */
export interface Wrapped {
  script: string;
}

/** The names a declaration pattern binds (`{ a, b: [c, ...d] = [] }` binds a, c, d). */
function bound(p: Pattern, into: string[]): void {
  switch (p.type) {
    case 'Identifier':
      into.push(p.name);
      break;
    case 'ObjectPattern':
      for (const prop of p.properties) bound(prop.type === 'RestElement' ? prop.argument : prop.value, into);
      break;
    case 'ArrayPattern':
      for (const el of p.elements) if (el) bound(el, into);
      break;
    case 'RestElement':
      bound(p.argument, into);
      break;
    case 'AssignmentPattern':
      bound(p.left, into);
      break;
    default:
      break; // a member expression binds nothing new
  }
}

/**
 * Wraps `code` as an async function run in the engine's context: top-level declarations
 * are hoisted to `var`s of the context (functions and classes assigned under their name),
 * and the value of a last expression statement is the input's value. Throws the parser's
 * SyntaxError (with its position) for code that does not parse.
 */
export function wrapInput(code: string): Wrapped {
  const program: Program = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true, allowReturnOutsideFunction: false });
  const names: string[] = [];
  const prelude: string[] = [];
  // Edits from the end of the source backwards, so earlier offsets stay valid.
  const edits: { start: number; end: number; text: string }[] = [];
  const body = program.body as (Statement | ModuleDeclaration)[];
  body.forEach((s, i) => {
    const src = (n: Node): string => code.slice(n.start, n.end);
    if (s.type === 'VariableDeclaration') {
      const parts: string[] = [];
      for (const d of s.declarations) {
        bound(d.id, names);
        if (d.init) parts.push(d.id.type === 'Identifier' ? `${d.id.name} = ${src(d.init)}` : `(${src(d.id)} = ${src(d.init)})`);
      }
      edits.push({ start: s.start, end: s.end, text: parts.length ? `void (${parts.join(', ')});` : ';' });
    } else if (s.type === 'FunctionDeclaration') {
      // Callable before its declaration, as a hoisted function is.
      names.push(s.id.name);
      prelude.push(`${s.id.name} = ${src(s)};`);
      edits.push({ start: s.start, end: s.end, text: ';' });
    } else if (s.type === 'ClassDeclaration') {
      names.push(s.id.name);
      edits.push({ start: s.start, end: s.end, text: `${s.id.name} = ${src(s)};` });
    } else if (s.type === 'ExpressionStatement' && i === body.length - 1) {
      edits.push({ start: s.start, end: s.end, text: `return (${src(s.expression)});` });
    }
  });
  let out = code;
  for (const e of edits.reverse()) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  const hoisted = names.length ? `var ${[...new Set(names)].join(', ')};\n` : '';
  // A newline before the closing brace: an input ending in a line comment still closes.
  return { script: `${hoisted}(async () => {${prelude.join(' ')}\n${out}\n})()` };
}
