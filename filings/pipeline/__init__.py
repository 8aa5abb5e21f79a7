"""The build: facts to papers, PDFs, packets and bundle, published all at once.

Owns the build itself (:mod:`.builder`; ``filings check``, everything a build would refuse found
without converting, in :mod:`.checking`; with what it makes in :mod:`.built`, each set's
papers in :mod:`.versionbuild` (converted in one LibreOffice run by :mod:`.conversion`), its bundle in :mod:`.bundles` and its packets in
:mod:`.packets`: what each holds in :mod:`.packetparts`, the exhibits each filing files as its
papers render in :mod:`.citing`, the printed citations found in :mod:`.citelinks`; the warnings in :mod:`.cautions`, the manifest in :mod:`.manifest`), the
confidential and public output sets (:mod:`.versions`), the output folder and its
generations (:mod:`.outputs`, what a user saves there in :mod:`.userfiles`), the record of past builds (:mod:`.history`, with the fingerprints of each build's exhibits, bundle and packets: :mod:`.holdings`), reading and
merging PDFs (:mod:`.pdf`), DRAFT stamps (:mod:`.draft`), the passes that give a brief's tables their pages
(:mod:`.tables`), the changes between two builds' manifests
(:mod:`.changes`), ``filings watch`` (:mod:`.watch`), and the attorney's Word edits: found,
kept and merged on every build (:mod:`.drafts`) and listed, dropped or adopted (:mod:`.editing`).

Many matters in one command, in worker processes sharing the warm pool: :mod:`.campaign`.

Named ``pipeline``, not ``build``: ``filings.build`` is the library's build function.
"""
