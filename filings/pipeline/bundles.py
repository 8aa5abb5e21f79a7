"""Each set's exhibit bundle in a build: kept from the last build, or assembled.

A bundle is kept when nothing it is made of changed: its key (:func:`_bundle_key`: every
exhibit's facts, file and template, the bundle settings, the caption) and every fact its
templates read are the last build's. Otherwise it is assembled by
:mod:`filings.exhibits.bundle`, a public version's confidential exhibits as slip sheets.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from filings.errors import FilingsError
from filings.facts.schema import Matter
from filings.papers.depends import changed
from filings.papers.library import TemplateLibrary
from filings.facts.citations import resolve
from filings.papers.typeset import typeset_text
from filings.typography import smart_quotes
from filings.court.confidential import Version, confidential_exhibits, shown
from filings.pipeline.built import _key
from filings.pipeline.outputs import Generation, Progress
from filings.pipeline.versions import SINGLE, OutputSet

if TYPE_CHECKING:
    from filings.exhibits.bundle import BundleResult
    from filings.exhibits.exhibit import ExhibitPdf
    from filings.exhibits.sources import ExhibitSource

BUNDLE = "exhibit-bundle.pdf"
EXHIBITS_DIR = "exhibits"
LETTERS_DIR = "letters"  # drafts of correspondence made by templates; never exhibits themselves
DEMONSTRATIVE = "Demonstrative \u2014 prepared for this filing"


def _bundle_key(matter: Matter, context: Mapping[str, Any], library: TemplateLibrary,
                output: OutputSet = SINGLE) -> str:
    """What the bundle is made of, besides the facts its templates read: every exhibit's facts
    (and label and date, as the index and covers print them), each file's and template's
    size and time, the bundle settings and the caption."""
    exhibits = []
    for e, node in zip(matter.facts.exhibits, context["exhibits"]._items):
        try:
            source = [_signature(matter.inside(f)) for f in (e.file, e.sent_copy) if f]
            if e.template:
                source.append(_signature(library.find(f"{EXHIBITS_DIR}/{e.template}").path))
        except (OSError, ValueError, FilingsError):
            return ""  # an exhibit that cannot be read: the bundle is made again, and says why
        exhibits.append([e.model_dump(mode="json"), node._data["mark"], str(node._data["date"] or ""), source])
    case = context["case"]
    key = [exhibits, matter.facts.bundle.model_dump(mode="json"), case._data["title"], matter.facts.case.court_no]
    if matter.facts.bundle.ocr:  # how scans are read changes their text layers
        key.append(matter.facts.settings.ocr.model_dump(mode="json"))
    if output.version:  # the version's legend and brackets, and which exhibits are confidential
        key += [repr(output.version), sorted(confidential_exhibits(matter)),
                [repr(getattr(n._data["title"], "spans", "")) for n in context["exhibits"]._items]]
    return _key(key)


def _signature(path: Path) -> list:
    """A file's size and modification time, as make and ninja compare them: hashing every
    exhibit (hundreds of MB in a large matter) on every build would put the bundle's whole
    size on the path of a one-fact rebuild. A file replaced keeping both: ``--force``."""
    stat = path.stat()
    return [str(path), stat.st_size, stat.st_mtime_ns]


def _kept_bundle(gen: Generation, key: str, index: dict, output: OutputSet = SINGLE) -> dict | None:
    """The last build's bundle of the set, when nothing it is made of has changed (None: make it again)."""
    bundle = (gen.previous_manifest() or {}).get(output.bundle_entry)
    if not isinstance(bundle, dict) or bundle.get("key") != key or not isinstance(bundle.get("reads"), dict):
        return None
    if changed(index, bundle["reads"]) or gen.previous is None or \
            not (gen.previous / output.prefix / EXHIBITS_DIR).is_dir():
        return None
    return bundle


def _exhibit_pdfs(matter: Matter, context: dict, sources: list[ExhibitSource]) -> list[ExhibitPdf]:
    """What the bundle needs to know of each exhibit: label, title, dates, PDF, password."""
    from filings.exhibits.exhibit import ExhibitPdf
    exhibits = []
    for source in sources:
        e = matter.facts.exhibits[source.index]
        node = context["exhibits"][source.index]
        date = node.date or None  # an exhibit with no date of its own or of what cites it
        data = node._data  # as the version shows them: a confidential title in brackets, or emptied
        cite = context.get("cite")
        # one date style: the index prints the date as the cover and the papers do ("May 20, 2024")
        exhibits.append(ExhibitPdf(id=e.id, mark=node.mark,
                                   title=typeset_text(smart_quotes(resolve(shown(data["title"]), cite))) + source.title_note,
                                   date=shown(date or ""), short_date=shown(date or ""),
                                   description=typeset_text(smart_quotes(resolve(shown(data["description"] or ""),
                                                                                 cite))),
                                   pdf=source.pdf, source=source.source, password=e.password,
                                   note=DEMONSTRATIVE if source.demonstrative else source.note))
    return exhibits


def _bundle(matter: Matter, context: dict, sources: list[ExhibitSource], out: Path, warn: Progress,
            version: Version | None = None, staging: Path | None = None) -> BundleResult:
    from filings.exhibits.bundle import make_bundle
    from filings.exhibits.exhibit import BatesStyle
    from filings.pipeline.versions import slip_sheet
    facts = matter.facts
    exhibits = _exhibit_pdfs(matter, context, sources)
    if version is not None and version.public:  # confidential exhibits: slip sheets, as many pages
        hidden = confidential_exhibits(matter)
        exhibits = [replace(e, pdf=slip_sheet(s.index, f"Exhibit {e.mark}", e.title, e.pdf, e.password,
                                              (staging or out) / "slips", version), password=None)
                    if s.index in hidden else e for e, s in zip(exhibits, sources)]
    bates = facts.bundle.bates
    case = context["case"]
    caption = [shown(case.title), f"Court No. {shown(case._data['court_no'] or '__________')}"]
    if version is not None:
        caption.insert(0, version.legend)
    return make_bundle(exhibits, out, bates=BatesStyle(bates.prefix, bates.start, bates.digits, bates.position),
                       heading="INDEX OF EXHIBITS", caption=caption,
                       size_limit_mb=facts.bundle.size_limit_mb, warn=warn, name=BUNDLE, ocr=facts.bundle.ocr,
                       matter=matter.root, ocr_languages=facts.settings.ocr.languages, deskew=facts.settings.ocr.deskew)
