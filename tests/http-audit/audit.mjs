// Runs the GraphQL-over-HTTP working group's audit suite (graphql-http's `serverAudits`) against
// a running server and prints every result.
//
//   node audit.mjs http://127.0.0.1:8000/graphql
//
// Exits 1 if any MUST or SHOULD audit fails, 2 on a usage or fatal error; MAY audits are reported
// but never fail the run. The last line is machine-readable:
//   SUMMARY {"MUST":{"ok":…,"fail":…},"SHOULD":{…},"MAY":{…}}
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL  (the /graphql endpoint)');
  process.exit(2);
}

const counts = {};
const failures = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const level = audit.name.split(' ')[0]; // MUST, SHOULD or MAY
  let result;
  try {
    result = await audit.fn();
  } catch (err) {
    // Thrown only on fatal errors (the server could not be reached, …).
    result = { status: 'error', reason: `fatal: ${err && err.stack ? err.stack : err}` };
  }
  const ok = result.status === 'ok';
  counts[level] ??= { ok: 0, fail: 0 };
  counts[level][ok ? 'ok' : 'fail'] += 1;
  let line = `${ok ? 'ok  ' : 'FAIL'} [${audit.id}] ${audit.name}`;
  if (!ok) {
    line += `\n       ${result.status}: ${result.reason}`;
    if (result.response) {
      const status = result.response.status;
      const type = result.response.headers.get('content-type');
      let body = '';
      try {
        body = await result.response.text();
      } catch {
        // the body may already have been read by the audit
      }
      line += `\n       response: ${status} ${type ?? '(no content-type)'} ${body.slice(0, 300)}`;
    }
    if (level !== 'MAY') failures.push(audit.name);
  }
  console.log(line);
}

console.log('');
for (const level of ['MUST', 'SHOULD', 'MAY']) {
  const c = counts[level] ?? { ok: 0, fail: 0 };
  console.log(`${level}: ${c.ok} passed, ${c.fail} failed`);
}
console.log(`SUMMARY ${JSON.stringify(counts)}`);
if (failures.length > 0) {
  console.log(`\n${failures.length} MUST/SHOULD audit(s) failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
