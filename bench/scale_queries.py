"""The queries :mod:`bench.scale` times: the README's, the saved ones, its own."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAVED = ROOT / "graphql" / "saved_queries"


@dataclass
class Query:
    name: str
    document: str
    variables: dict[str, Any] = field(default_factory=dict)
    #: how to set the page size: a variable name, or None to rewrite ``first: N``
    first_variable: str | None = None

    def sized(self, first: int) -> tuple[str, dict[str, Any]]:
        if self.first_variable:
            return self.document, {**self.variables, self.first_variable: first}
        return re.sub(r"first: \d+", f"first: {first}", self.document), dict(self.variables)


def readme_queries() -> list[Query]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```graphql\n(.*?)```", readme, flags=re.S):
        head = block.strip().split("{")[0].split("(")[0].split()
        if head[0] == "query":
            found.append(Query(f"README {head[1]}", block))
    return found


def saved_queries(since: str) -> list[Query]:
    found = []
    for path in sorted(SAVED.glob("*.graphql")):
        variables: dict[str, Any] = {"since": since} if "$since" in path.read_text() else {}
        found.append(Query(f"saved {path.stem}", path.read_text(), variables, "first"))
    return found


def own_queries(since: str, system: str, store: str) -> list[Query]:
    """The benchmark's own queries; ``system`` and ``store``: the global ids of the AI
    system and data store some of them read (in the domain :mod:`bench.scale` measures)."""
    issue = "edges { node { rule severity subjectName message firstSeenAt } } totalCount"
    return [
        Query("complianceIssues", f"{{ complianceIssues(first: 50) {{ {issue} }} }}"),
        Query(
            "complianceIssues HIGH+, one rule",
            "{ complianceIssues(first: 50, filter: {minSeverity: HIGH, rule: "
            f'"GDPR-44-TRANSFER"}}) {{ {issue} }} }}',
        ),
        Query(
            "complianceIssues of one AI system",
            "query($id: ID!) { complianceIssues(first: 50, filter: {aiSystemId: $id}) "
            f"{{ {issue} }} }}",
            {"id": system},
        ),
        Query(
            "complianceIssues closed",
            f"{{ complianceIssues(first: 50, filter: {{status: CLOSED}}) {{ {issue} }} }}",
        ),
        Query(
            "exposure + summary",
            "{ exposure(first: 50) { totalCount edges { node { dataset { qualifiedName } "
            "categories complianceIssues { rule } } } summary { byCategory { key datasets "
            "fields } byHostingCountry { key datasets } } } }",
        ),
        *(
            Query(
                f"exposure + summary, {name}",
                f"{{ exposure(first: 50, filter: {{{flt}}}) {{ totalCount edges {{ node {{ "
                "dataset { qualifiedName } categories } } summary { datasets fields "
                "byCategory { key datasets } byDataStore { key datasets } "
                "byAiRiskClass { key datasets } } } }",
            )
            for name, flt in (
                ("aiRiskClass", "aiRiskClass: HIGH"),
                ("hostingOutsideEU", "hostingOutsideEU: true"),
                ("one store", f'dataStoreId: "{store}"'),
            )
        ),
        Query(
            "exposureChanges",
            "query($since: DateTime!) { exposureChanges(since: $since, first: 50) { totalCount "
            "byKind { kind count } edges { node { kind at } } } }",
            {"since": since},
        ),
        Query(
            "search datasets",
            '{ datasets(first: 50, filter: {search: "paiements_1"}) { totalCount '
            "edges { node { qualifiedName } } } }",
        ),
    ]
