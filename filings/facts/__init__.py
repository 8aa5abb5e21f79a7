"""The facts stage: what a matter says, read and checked before anything is made of it.

Owns the facts file's schema (:mod:`.schema`, its field types in :mod:`.fields` and the facts
of a determination, protests and a statutory injunction in :mod:`.actions`), the kinds of case
as data (:mod:`.kinds`, ``kinds.yaml``: each kind's papers, filings, required facts, time bar
and deadlines), loading it with a line for every error
(:mod:`.load`) and the cross-checks between facts (:mod:`.checks`), the YAML reader with
the line of every value (:mod:`.source`; where each value was written: :mod:`.sourcemap`),
facts that extend a base file's (:mod:`.extend`) and the merged facts shown with where each value
comes from (:mod:`.origin`), dates as lawyers write them (:mod:`.dates`),
citations written in facts text (:mod:`.citations`), a declaration's statements and what they support
(:mod:`.evidence`), the court's rules as data
(:mod:`.rules`, ``rules.yaml``), the papers and filings a matter calls for (:mod:`.plan`), which filing files which exhibit
(:mod:`.filed`), the page ranges of an excerpt (:mod:`.pages`)
and a new matter's folder (:mod:`.scaffold`; one per client of a list: :mod:`.clients`).

The lowest stage: it imports only the package's foundation (errors, limits, paths).
"""
