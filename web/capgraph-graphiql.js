// capgraph's GraphiQL bootstrap: our own code, served same-origin as
// /assets/capgraph-graphiql.<hash>.js so the page needs no inline script.
// It expects the React, ReactDOM and GraphiQL UMD bundles (pinned in
// web/package-lock.json) to have defined window.React, window.ReactDOM and
// window.GraphiQL, and reads the GraphQL endpoint from data-endpoint.
(function () {
  'use strict';

  var root = document.getElementById('graphiql');
  if (!root) {
    return;
  }
  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    root.textContent =
      'GraphiQL failed to load its scripts. Reload the page; if this persists, ' +
      'check the browser console (a failed integrity check shows there).';
    return;
  }

  var endpoint = root.getAttribute('data-endpoint') || '/graphql';

  var DEFAULT_QUERY = [
    '# capgraph: NATO multinational capability cooperation.',
    '#',
    '# Which nations and organisations take part in the',
    '# C-SOCC High Visibility Project, and what else do',
    '# those nations work on?',
    '#',
    '# Run: \u25B6 or Ctrl-Enter. Complete: Ctrl-Space.',
    '# Every type and field: Docs (book icon, top left).',
    'query CSoccParticipants {',
    '  project(code: "c-socc") {',
    '    name',
    '    acronym',
    '    status',
    '    launched { iso }',
    '    participants {',
    '      role',
    '      participant {',
    '        ... on Nation {',
    '          code',
    '          name',
    '          projects { nodes { code name } }',
    '        }',
    '        ... on Organisation {',
    '          code',
    '          name',
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
    ''
  ].join('\n');

  // Same-origin POST with a JSON body. Errors that are not GraphQL responses
  // (a 413 from the body-size limit, a 504 from the timeout, a proxy page)
  // are turned into a GraphQL-shaped error so GraphiQL shows them.
  function fetcher(params, options) {
    var headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    var extra = (options && options.headers) || {};
    Object.keys(extra).forEach(function (name) {
      headers[name] = extra[name];
    });
    return fetch(endpoint, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(params),
      credentials: 'same-origin'
    }).then(function (response) {
      return response.text().then(function (text) {
        try {
          return JSON.parse(text);
        } catch (e) {
          return {
            errors: [
              {
                message:
                  'HTTP ' + response.status + ' ' + response.statusText +
                  ' (not a GraphQL response): ' + text.slice(0, 500)
              }
            ]
          };
        }
      });
    });
  }

  var element = window.React.createElement(window.GraphiQL, {
    fetcher: fetcher,
    defaultQuery: DEFAULT_QUERY,
    defaultEditorToolsVisibility: false,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    schemaDescription: true,
    inputValueDeprecation: true
  });
  window.ReactDOM.createRoot(root).render(element);
})();
