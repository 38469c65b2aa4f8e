// Registre's GraphiQL page: the code of graphiql.html, served as a file of its own so
// that the Content-Security-Policy can forbid inline scripts (script-src 'self').
(function () {
  "use strict";
  var PLACEHOLDER = "Bearer <paste your token>";

  // A token passed as #token=... never reaches the server logs (fragments are not
  // sent); drop it from the address bar and history as soon as it is read.
  var fragment = new URLSearchParams(window.location.hash.replace(/^#/, ""));
  var token = (fragment.get("token") || "").trim();
  if (fragment.has("token")) {
    fragment.delete("token");
    var rest = fragment.toString();
    window.history.replaceState(
      null, "", window.location.pathname + window.location.search + (rest ? "#" + rest : "")
    );
  }

  // JSON.stringify, not string concatenation: a pasted token cannot break the JSON.
  var headersText = JSON.stringify(
    { Authorization: token ? "Bearer " + token : PLACEHOLDER }, null, 2
  );

  // Headers typed in the editor are merged over these ones by GraphiQL's fetcher,
  // so the Authorization header always comes from the editor.
  var fetcher = GraphiQL.createFetcher({
    url: "/graphql",
    headers: { Accept: "application/json" },
  });

  // Where a first visit starts: the question Registre exists to answer.
  var defaultQuery = [
    "# Registre: where is personal data, and which AI systems use it?",
    "# Ctrl-Enter runs the query; the Docs panel (top left) lists every type.",
    "{",
    "  datasets(first: 20, filter: {containsPersonalData: true}) {",
    "    totalCount",
    "    edges { node {",
    "      qualifiedName sensitivity",
    "      aiSystems { name riskClass hostingCountry }",
    "      fields { name findings { entityType category status maskedExample } }",
    "    } }",
    "  }",
    "}",
    "",
  ].join("\n");

  var props = {
    fetcher: fetcher,
    defaultQuery: defaultQuery,
    defaultHeaders: headersText,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: "headers",
  };
  if (token) {
    // `headers` overrides the headers of the tab restored from local storage.
    props.headers = headersText;
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, props)
  );
})();
