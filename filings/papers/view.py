"""What one paper sees besides the context all papers share: its filing, and the case as of it.

The context is built once a build (:mod:`.context`); each paper adds its ``filing`` (the papers,
day and service of the filing it is in) and, for a filing made before the action was
docketed, a ``case`` whose Court No. and judge are blanks, since nobody knows them when the
action is commenced.
"""
from __future__ import annotations

from typing import Any, Mapping

from filings.papers.nodes import Empty, Node, NodeList


def filing_for(context: Mapping[str, Any], index: int | None) -> Node | Empty:
    """What a paper sees as ``filing``: the filing at ``index`` of ``context['filings']``
    (its papers, date, service), or an empty fact for a paper in no filing."""
    filings = context.get("filings")
    if index is None or not isinstance(filings, NodeList) or index >= len(filings._items):
        return Empty("filing")
    return filings._items[index]


def paper_view(context: Mapping[str, Any], index: int | None) -> dict[str, Any]:
    """What one paper sees besides the shared context: its ``filing`` and, for a filing made
    before the action was docketed, a ``case`` whose Court No. and judge are the blanks the
    Court expects (nobody knows them when the action is commenced; a filing's own date governs)."""
    filing = filing_for(context, index)
    view: dict[str, Any] = {"filing": filing}
    case = context.get("case")
    if isinstance(filing, Node) and isinstance(case, Node) and _before_docketing(case, filing):
        sources = {**case._sources, **{name: ["case.court_no", "case.judge", "case.docketed", "case.filed",
                                              f"{filing._path}.date"] for name in ("number", "judge", "court_no")}}
        view["case"] = Node("case", {**case._data, "number": BLANK_NUMBER, "court_no": BLANK_NUMBER, "judge": None}, sources)
    return view


BLANK_NUMBER = "__________"  # the Court No. before the Clerk assigns one


def _before_docketing(case: Node, filing: Node) -> bool:
    """True when ``filing`` is made before the action had its Court No.: before ``case.docketed``,
    or (without it) on the day the action was commenced."""
    day, docketed, filed = filing._data["date"], case._data.get("docketed"), case._data.get("filed")
    if docketed is not None:
        return day < docketed
    return filed is not None and day <= filed
