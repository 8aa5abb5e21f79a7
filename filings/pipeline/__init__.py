"""The build: facts to papers, PDFs, packets and bundle, published all at once.

Owns the build itself (:mod:`.builder`, with each version's papers in :mod:`.papers`, the
warnings in :mod:`.warnings`, the manifest in :mod:`.manifest`), the confidential and
public output sets (:mod:`.versions`), the output folder and its generations
(:mod:`.outputs`), the record of past builds (:mod:`.history`), packets (:mod:`.pdf`),
DRAFT stamps (:mod:`.draft`), the changes between two builds' manifests (:mod:`.changes`)
and ``filings watch`` (:mod:`.watch`).

Named ``pipeline``, not ``build``: ``filings.build`` is the library's build function.
"""
