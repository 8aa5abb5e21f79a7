"""The review stage: what changed between two versions of a matter, and why.

Owns ``filings diff`` (:mod:`.diff`, with the two versions it compares in :mod:`.sides`),
the fact diff (:mod:`.factdiff`) and why each paper changed, in words (:mod:`.attribution`), redlines as Word tracked changes and PDF (:mod:`.redline`)
and the summary for reviewers (:mod:`.summary`); two matters of a campaign compared (:mod:`.across`). It sits above the build, which it runs to
compare git revisions.
"""
