"""The exhibits stage: the exhibit files a paralegal gathers, made into a bundle.

Owns the exhibit sources (:mod:`.sources`: files of the matter or templates rendered; excerpts
of a file's pages cut in :mod:`.excerpts`, spreadsheets in :mod:`.sheets`, e-mails read in
:mod:`.mail`, planned as a page and sub-exhibits in :mod:`.mailpage` and put together in
:mod:`.compose`),
the bundle with its index, covers, Bates numbers and page labels (:mod:`.bundle`, with
page placement in :mod:`.stamps` and clean-up of untrusted PDFs in :mod:`.cleanup`, the
exhibits' own links and bookmarks in :mod:`.links`, the per-exhibit CM/ECF files in
:mod:`.attachments` and the records these share in :mod:`.exhibit`), the front matter
drawn with reportlab (:mod:`.frontmatter`) and OCR of scans (:mod:`.ocr`). Of its modules,
only bundle, stamps, cleanup, links, attachments, excerpts and compose import pikepdf.
"""
