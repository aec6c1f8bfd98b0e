"""A page of rows that were not paginated by Flask-SQLAlchemy (an in-memory list, plain Core rows),
shaped like its ``Pagination`` for the ``pagination`` macro in ``templates/_macros/tables.html``."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class ListPage:
    """One page of an in-memory list, shaped like Flask-SQLAlchemy's pagination for the macro."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
