// Checks Cypher statements with Neo4j's own Cypher front end
// (@neo4j-cypher/language-support, lintCypherQuery) as Cypher 5: syntax
// and semantic errors fail, and so do warnings such as deprecations (a
// deprecated form stops working in the next Cypher version).
//
// Usage:
//   go run ./cmd/stakemap cypher --json | node .ci/cypherlint/lint.mjs
//   node .ci/cypherlint/lint.mjs --self-check
//
// Input is a JSON array of {"name": "...", "statement": "..."}. The
// statements are parameterised and no database schema is given, so the
// "Parameter $x is not defined" diagnostics are expected and ignored.
import { readFileSync } from 'node:fs';
import { lintCypherQuery, isNotParamError } from '@neo4j-cypher/language-support';

const ERROR = 1; // DiagnosticSeverity.Error in the language server protocol

// The statements run on Neo4j 5, so they are checked as Cypher 5.
const schema = { defaultLanguage: 'CYPHER 5' };

// lint returns the errors and warnings of one statement, leaving out the
// notices that a parameter has no value (no database is connected).
function lint(statement) {
  const { diagnostics } = lintCypherQuery(statement, schema);
  const kept = diagnostics.filter((d) => isNotParamError(d));
  return {
    errors: kept.filter((d) => d.severity === ERROR),
    warnings: kept.filter((d) => d.severity !== ERROR),
  };
}

function where(statement, d) {
  const at = d.offsets ? d.offsets.start : 0;
  const line = statement.slice(0, at).split('\n').length;
  return `line ${line}`;
}

// check lints every statement, prints what it finds and returns the
// number of failed statements.
function check(statements, out = console) {
  let passed = 0;
  let failed = 0;
  for (const { name, statement } of statements) {
    if (typeof name !== 'string' || typeof statement !== 'string' || statement.trim() === '') {
      out.error(`FAIL ${JSON.stringify(name)}: not a {name, statement} entry with a statement`);
      failed++;
      continue;
    }
    const { errors, warnings } = lint(statement);
    const problems = [...errors, ...warnings];
    if (problems.length > 0) {
      for (const e of problems) {
        out.error(`FAIL ${name} (${where(statement, e)}): ${e.message}`);
      }
      failed++;
    } else {
      passed++;
    }
  }
  return { passed, failed };
}

// selfCheck proves the linter still catches what it must: a statement with
// a syntax error and one with an undefined variable must fail, a good one
// with parameters must pass.
function selfCheck() {
  const quiet = { error() {} };
  const cases = [
    { name: 'good', statement: 'MATCH (n:Node {workspace: $workspace}) RETURN n.id AS id', fail: false },
    { name: 'syntax-error', statement: 'MATCH (n:Node RETURN n', fail: true },
    { name: 'undefined-variable', statement: 'MATCH (n:Node) RETURN m', fail: true },
    { name: 'deprecated', statement: 'MATCH (n) CALL { WITH n RETURN 1 AS x } RETURN x', fail: true },
  ];
  let bad = 0;
  for (const c of cases) {
    const { failed } = check([c], quiet);
    if ((failed > 0) !== c.fail) {
      console.error(`self-check: ${c.name} should ${c.fail ? 'fail' : 'pass'} but did not`);
      bad++;
    }
  }
  return bad;
}

function main() {
  if (process.argv.includes('--self-check')) {
    const bad = selfCheck();
    console.log(`${4 - bad} passed, ${bad} failed`);
    process.exit(bad > 0 ? 1 : 0);
  }
  if (selfCheck() > 0) {
    console.error('the Cypher linter no longer catches known errors');
    process.exit(1);
  }
  let statements;
  try {
    statements = JSON.parse(readFileSync(0, 'utf8'));
  } catch (err) {
    console.error(`cannot read the statements (a JSON array on stdin): ${err.message}`);
    process.exit(1);
  }
  if (!Array.isArray(statements) || statements.length === 0) {
    console.error('no statements on stdin: expected a non-empty JSON array of {name, statement}');
    process.exit(1);
  }
  const { passed, failed } = check(statements);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main();
