// Validates answers the service really gave against its OpenAPI document,
// with ajv: every operation and status must be declared, every declared
// required header present, every body of the declared content type and,
// for JSON, valid against the declared schema.
//
//   node answers.mjs openapi.json answers.json
//
// answers.json is a list of {method, path (the document's path template),
// status, contentType, headers: {lower-case name: value}, body (text)}.
// Prints one line per failure and a summary; exits 1 when any failed.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const [docPath, answersPath] = process.argv.slice(2);
if (!docPath || !answersPath) {
  console.error('usage: node answers.mjs openapi.json answers.json');
  process.exit(2);
}
const doc = JSON.parse(readFileSync(docPath, 'utf8'));
const answers = JSON.parse(readFileSync(answersPath, 'utf8'));

// OpenAPI 3.0 schemas are JSON Schema with a few extra keywords (nullable,
// example), which ajv is told to ignore rather than reject.
const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema(doc, 'openapi.json');

// A JSON pointer as a URI fragment: ~ and / escaped, then percent-encoded.
const pointer = (...parts) =>
  parts.map((p) => encodeURIComponent(String(p).replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');
const validators = new Map();
function validatorFor(at, mediaType) {
  const ref = 'openapi.json#/' + pointer(...at, 'content', mediaType, 'schema');
  if (!validators.has(ref)) validators.set(ref, ajv.compile({ $ref: ref }));
  return validators.get(ref);
}

const failedAnswers = new Set();
const fail = (a, reason) => {
  failedAnswers.add(a);
  console.log(`FAIL ${a.method} ${a.path} ${a.status}: ${reason}`);
};

for (const a of answers) {
  const method = a.method.toLowerCase();
  const op = doc.paths?.[a.path]?.[method];
  if (!op) {
    fail(a, 'operation not in the document');
    continue;
  }
  const status = String(a.status);
  let resp = op.responses?.[status];
  if (!resp) {
    fail(a, `status not declared (declared: ${Object.keys(op.responses ?? {}).join(', ')})`);
    continue;
  }
  // Where the response object is, for its schema's $ref: in the operation,
  // or shared under components/responses.
  let at = ['paths', a.path, method, 'responses', status];
  if (resp.$ref) {
    const name = resp.$ref.replace('#/components/responses/', '');
    resp = doc.components?.responses?.[name];
    at = ['components', 'responses', name];
    if (!resp) {
      fail(a, `${status} refers to ${name}, which is not in components/responses`);
      continue;
    }
  }
  for (const [name, h] of Object.entries(resp.headers ?? {})) {
    if (h.required && !(name.toLowerCase() in (a.headers ?? {}))) fail(a, `required header ${name} missing`);
  }
  const body = a.body ?? '';
  if (method === 'head' || a.status === 204 || a.status === 304) {
    if (body !== '') fail(a, 'a body where none may be');
    continue;
  }
  const content = resp.content ?? {};
  const mediaType = (a.contentType ?? '').split(';')[0].trim();
  if (Object.keys(content).length === 0) {
    if (body !== '') fail(a, `a body of ${mediaType}, and the document declares none`);
    continue;
  }
  if (!(mediaType in content)) {
    fail(a, `content type ${mediaType} not declared (declared: ${Object.keys(content).join(', ')})`);
    continue;
  }
  if (!mediaType.endsWith('json')) continue;
  let value;
  try {
    value = JSON.parse(body);
  } catch (e) {
    fail(a, `body is not JSON: ${e.message}`);
    continue;
  }
  const validate = validatorFor(at, mediaType);
  if (!validate(value)) {
    fail(a, ajv.errorsText(validate.errors, { dataVar: 'body' }));
  }
}
const failed = failedAnswers.size;
console.log(`${answers.length} answers: ${answers.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
