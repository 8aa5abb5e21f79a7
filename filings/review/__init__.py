"""The review stage: what changed between two versions of a matter, and why.

Owns ``filings diff`` (:mod:`.diff`, with the two versions it compares in :mod:`.sides` and the
marks on recorded builds that ``--since`` names in :mod:`.marks`), the fact diff
(:mod:`.factdiff`) and why each paper changed, in words (:mod:`.attribution`), which paper is
compared with which across the confidential split (:mod:`.pairing`), the exhibits, bundle and
packets compared (:mod:`.holdings`), redlines as Word tracked changes and PDF (:mod:`.redline`)
with their counts of changes (:mod:`.counts`) and the summaries for reviewers (:mod:`.summary`).
It sits above the build, which it runs to compare git revisions. A redline's PDF is printed
from a display document (:mod:`.marked`, with its words :mod:`.words` and list numbers
:mod:`.numbers`) behind a cover (:mod:`.cover`); the redline DOCX's paragraph marks are set by
:mod:`.paramarks`.
 Two matters of a campaign are compared by :mod:`.across`.

``filings serve`` (:mod:`.serve`) shows it all on a page of this computer, with what the page
reads from a matter and its templates in :mod:`.web`.
"""
