// node validate.js json|sarif FILE [SCHEMA]
//   json:  validates FILE against SCHEMA (report/schema/tlsaudit-report.schema.json, draft 2020-12)
//   sarif: validates FILE against the published SARIF 2.1.0 schema (sarif-2.1.0-rtm.5.json)
// Exit 0 when valid, 1 with the errors on stderr when not, 2 on usage errors.
'use strict';
const fs = require('fs');
const path = require('path');
const [kind, file, schemaFile] = process.argv.slice(2);
if (!kind || !file) { console.error('usage: validate.js json|sarif FILE [SCHEMA]'); process.exit(2); }
const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
let ajv, schema;
if (kind === 'json') {
  const Ajv2020 = require('ajv/dist/2020');
  ajv = new Ajv2020({ allErrors: true, strict: true });
  schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
} else if (kind === 'sarif') {
  // The published SARIF 2.1.0 schema is JSON Schema draft-04, and its "language" pattern
  // ("...{2}]?$") is not valid in a Unicode regular expression: compile patterns without /u.
  const AjvDraft04 = require('ajv-draft-04');
  ajv = new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false });
  const dir = path.dirname(require.resolve('@microsoft/jest-sarif/package.json'));
  schema = JSON.parse(fs.readFileSync(path.join(dir, 'lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
} else { console.error('unknown kind ' + kind); process.exit(2); }
require('ajv-formats')(ajv);
const validate = ajv.compile(schema);
if (validate(doc)) { console.log(kind + ': ' + file + ' is valid'); process.exit(0); }
console.error(JSON.stringify(validate.errors, null, 1));
process.exit(1);
