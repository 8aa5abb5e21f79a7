"""The papers stage: templates plus facts make Word drafts.

Owns what a template sees (:mod:`.context`: read-tracked, immutable nodes) and the
English around the facts (:mod:`.wording`), where templates come from (:mod:`.library`),
the lint of a template as a lawyer edits it (:mod:`.lint`), rendering in the bounded
sandbox (:mod:`.render`, :mod:`.sandbox`), typesetting (:mod:`.typeset`), the word count
of motions and briefs (:mod:`.wordcount`) and the fingerprints of the facts each paper
read (:mod:`.depends`).
"""
