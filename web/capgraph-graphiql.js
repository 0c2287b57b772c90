// capgraph's GraphiQL bootstrap: our own code, served same-origin as
// /assets/capgraph-graphiql.<hash>.js so the page needs no inline script.
// It expects the React, ReactDOM, GraphiQL and explorer-plugin UMD bundles
// (pinned in web/package-lock.json) to have defined window.React,
// window.ReactDOM, window.GraphiQL (with GraphiQL.React, @graphiql/react, and
// GraphiQL.GraphQL, graphql-js) and window.GraphiQLPluginExplorer, and reads
// the GraphQL endpoint from data-endpoint.
//
// What it adds to GraphiQL:
// - example tabs (EXAMPLE_TABS), the first of them the default tab;
// - the explorer plugin, to click a query together;
// - shared links: /?query=…&variables=…&operationName=… opens that query, and
//   the address bar follows the active tab so it is always a link to it;
// - a fetcher that never sends an operationName the document does not define.
(function () {
  'use strict';

  var root = document.getElementById('graphiql');
  if (!root) {
    return;
  }
  var React = window.React;
  var GraphiQL = window.GraphiQL;
  if (!React || !window.ReactDOM || !GraphiQL || !GraphiQL.React) {
    root.textContent =
      'GraphiQL failed to load its scripts. Reload the page; if this persists, ' +
      'check the browser console (a failed integrity check shows there).';
    return;
  }

  var endpoint = root.getAttribute('data-endpoint') || '/graphql';

  function lines() {
    return Array.prototype.slice.call(arguments).join('\n') + '\n';
  }

  // The example tabs a fresh browser opens, the first one active. Each is a
  // named operation whose leading comment says what question it answers, and
  // every object in it selects `id` (clients' caches key on it). Append new
  // examples here.
  var EXAMPLE_TABS = [
    {
      query: lines(
        '# capgraph: NATO multinational capability cooperation.',
        '#',
        '# Run: \u25B6 or Ctrl-Enter. Complete: Ctrl-Space. Every type and',
        '# field: Docs (book icon, top left). Click a query together: Explorer',
        '# (folder icon). The address bar always links to the active tab.',
        '# The other tabs hold more examples.',
        '#',
        '# A project page: what is C-SOCC, how far has it come, who takes part',
        '# in it (in what role), which contracts deliver it, and which',
        '# documents say so?',
        'query ProjectPage {',
        '  project(code: "c-socc") {',
        '    id',
        '    code',
        '    name',
        '    acronym',
        '    status',
        '    launched { iso }',
        '    area { id code name }',
        '    participants {',
        '      role',
        '      participant { id code name }',
        '    }',
        '    contracts {',
        '      totalCount',
        '      nodes { id code name value { amount currency } }',
        '    }',
        '    sources {',
        '      quote',
        '      source { id code name }',
        '    }',
        '  }',
        '}'
      )
    },
    {
      query: lines(
        '# Which projects does France take part in, and how far has each come?',
        'query NationProjects {',
        '  nation(code: "FRA") {',
        '    id',
        '    code',
        '    name',
        '    membership',
        '    projects {',
        '      totalCount',
        '      nodes { id code name status }',
        '    }',
        '  }',
        '}'
      )
    },
    {
      query: lines(
        '# What do France and Germany work on together? (Every nation or',
        '# organisation in participantsAll takes part.)',
        'query SharedProjects {',
        '  projects(filter: { participantsAll: ["FRA", "DEU"] }) {',
        '    totalCount',
        '    nodes {',
        '      id',
        '      code',
        '      name',
        '      status',
        '      participantCount',
        '      area { id code name }',
        '    }',
        '  }',
        '}'
      )
    },
    {
      query: lines(
        '# What has NSPA bought, from whom, for which project, and for how',
        '# much? Latest first.',
        'query BuyerContracts {',
        '  contracts(filter: { buyer: "NSPA" }, orderBy: { field: SIGNED, direction: DESC }) {',
        '    totalCount',
        '    nodes {',
        '      id',
        '      code',
        '      name',
        '      kind',
        '      signed { iso }',
        '      value { amount currency approximate }',
        '      supplier { id code name }',
        '      project { id code name }',
        '    }',
        '  }',
        '}'
      )
    },
    {
      query: lines(
        '# Where do the sources disagree? Each disputed value, the records',
        '# it concerns, and what each text says, with its quote.',
        'query Disagreements {',
        '  disagreements {',
        '    totalCount',
        '    nodes {',
        '      id',
        '      code',
        '      subject',
        '      records { __typename id code name }',
        '      readings {',
        '        says',
        '        source { quote source { id code title } }',
        '      }',
        '    }',
        '  }',
        '}'
      )
    }
  ];

  // What a tab opened with the + button starts with.
  var NEW_TAB_QUERY = lines(
    '# A new query. Complete: Ctrl-Space. Build one by clicking: Explorer',
    '# (folder icon). Examples: the first tabs.',
    'query NewQuery {',
    '  nations(first: 5) { nodes { id code name } }',
    '}'
  );

  // The names of the operations `query` defines (null for an anonymous one),
  // read with the graphql-js parser GraphiQL's bundle carries, so comments and
  // strings are skipped. null when the document does not parse.
  function operationNames(query) {
    if (typeof query !== 'string' || !GraphiQL.GraphQL || !GraphiQL.GraphQL.parse) {
      return null;
    }
    try {
      return GraphiQL.GraphQL.parse(query)
        .definitions.filter(function (d) {
          return d.kind === 'OperationDefinition';
        })
        .map(function (d) {
          return d.name ? d.name.value : null;
        });
    } catch (e) {
      return null;
    }
  }

  // A shared link: /?query=…&variables=…&operationName=… (URLSearchParams
  // decodes them). Variables are kept as text, even when they are not valid
  // JSON: GraphiQL shows them and says what is wrong when run.
  var params = new URLSearchParams(window.location.search);
  var shared = null;
  if (params.get('query')) {
    shared = {
      query: params.get('query'),
      variables: params.get('variables') || '',
      operationName: params.get('operationName') || null
    };
  }

  // The address bar follows the active tab: its query, its variables (when
  // there are any) and, when the document has several operations, the one
  // that runs (with one, it is implied, and a name there could only go
  // stale). The headers editor's contents never go in the URL: they may hold
  // credentials.
  function writeUrl(query, variables, operationName) {
    var search = new URLSearchParams();
    if (query) {
      search.set('query', query);
    }
    if (variables && variables.trim()) {
      search.set('variables', variables);
    }
    var names = operationName ? operationNames(query) : null;
    if (names && names.length > 1 && names.indexOf(operationName) >= 0) {
      search.set('operationName', operationName);
    }
    var text = search.toString();
    var url = window.location.pathname + (text ? '?' + text : '') + window.location.hash;
    var current = window.location.pathname + window.location.search + window.location.hash;
    if (url !== current) {
      window.history.replaceState(window.history.state, '', url);
    }
  }

  // Rendered (as nothing) in GraphiQL's toolbar, so that it sits inside
  // GraphiQL's editor context: once, it selects the shared link's
  // operationName; then it writes the active tab into the address bar
  // whenever the tab changes (GraphiQL updates a tab 100 ms after an edit).
  function SharedLink() {
    var editor = GraphiQL.React.useEditorContext({ nonNull: true });
    var queryEditor = editor.queryEditor;
    var tab = editor.tabs[editor.activeTabIndex];
    var selected = React.useRef(false);
    React.useEffect(
      function () {
        if (selected.current || !queryEditor) {
          return;
        }
        selected.current = true;
        var names = shared && shared.operationName ? operationNames(queryEditor.getValue()) : null;
        if (names && names.indexOf(shared.operationName) >= 0) {
          editor.setOperationName(shared.operationName);
        }
      },
      [queryEditor]
    );
    React.useEffect(function () {
      if (tab) {
        writeUrl(tab.query, tab.variables, tab.operationName || (queryEditor && queryEditor.operationName));
      }
    });
    return null;
  }

  // Same-origin POST with a JSON body. Errors that are not GraphQL responses
  // (a 413 from the body-size limit, a 504 from the timeout, a proxy page)
  // are turned into a GraphQL-shaped error so GraphiQL shows them.
  function fetcher(graphQLParams, options) {
    var body = {};
    Object.keys(graphQLParams).forEach(function (key) {
      body[key] = graphQLParams[key];
    });
    // GraphiQL learns the operation names 100 ms after an edit: rename a
    // query and run it at once, and it still sends the old name
    // (graphql/graphiql#1807), which the server refuses ("Unknown operation
    // named"). Send only a name the document defines. Otherwise, with one
    // operation, none is needed; with several, which one the stale name
    // became cannot be known, so send none and let the server say that a
    // name is required.
    if (typeof body.operationName === 'string') {
      var names = operationNames(body.query);
      if (names && names.indexOf(body.operationName) < 0) {
        delete body.operationName;
      }
    }
    var headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    var extra = (options && options.headers) || {};
    Object.keys(extra).forEach(function (name) {
      headers[name] = extra[name];
    });
    return fetch(endpoint, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(body),
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

  var plugins = [];
  if (window.GraphiQLPluginExplorer) {
    plugins.push(window.GraphiQLPluginExplorer.explorerPlugin());
  }

  // GraphiQL opens `defaultTabs` in a browser with no saved tabs, and there
  // ignores the `query` prop; with saved tabs it restores them and opens
  // `query` in a new tab (or the saved tab holding it). So a shared query is
  // both: the first default tab (followed by the examples it is not) and the
  // `query` prop. Its variables are always given (empty when the link has
  // none), so that the last session's saved variables do not come with it.
  var props = {
    fetcher: fetcher,
    defaultTabs: EXAMPLE_TABS,
    defaultQuery: NEW_TAB_QUERY,
    plugins: plugins,
    toolbar: { additionalComponent: SharedLink },
    defaultEditorToolsVisibility: false,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    schemaDescription: true,
    inputValueDeprecation: true
  };
  if (shared) {
    props.query = shared.query;
    props.variables = shared.variables;
    props.defaultTabs = [{ query: shared.query, variables: shared.variables }].concat(
      EXAMPLE_TABS.filter(function (tab) {
        return tab.query !== shared.query || shared.variables.trim() !== '';
      })
    );
    if (shared.variables.trim()) {
      props.defaultEditorToolsVisibility = 'variables';
    }
  }

  window.ReactDOM.createRoot(root).render(React.createElement(GraphiQL, props));
})();
