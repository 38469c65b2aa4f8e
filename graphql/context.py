"""What every resolver receives: the request's session, its actor and its loaders."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from registre.catalog.access import perimeter
from registre.catalog.access.roles import Actor
from registre.config.settings import Settings
from registre.graphql.loaders import Loaders
from registre.graphql.middleware import Budget


@dataclass
class RequestContext:
    session: Session
    actor: Actor
    settings: Settings
    loaders: Loaders = field(init=False)
    #: hooks the app gives mutations that start background work (scans)
    services: dict[str, Any] = field(default_factory=dict)
    #: the request's deadline (none, outside the HTTP app) and whether its client left
    budget: Budget = field(default_factory=lambda: Budget(math.inf))

    def __post_init__(self) -> None:
        # Loaders live for one request only: a cache shared across requests would leak
        # one caller's view into another's and serve stale rows.
        self.loaders = Loaders(self.session)
        # every read of the request sees the caller's domains only (catalog/access/perimeter)
        perimeter.bind(self.session, self.actor)
