"""The exhibits stage: the exhibit files a paralegal gathers, made into a bundle.

Owns the exhibit sources (:mod:`.sources`: files of the matter or templates rendered),
the bundle with its index, covers, Bates numbers and page labels (:mod:`.bundle`, with
page placement in :mod:`.stamps` and clean-up of untrusted PDFs in :mod:`.cleanup`, the
exhibits' own links and bookmarks in :mod:`.links`, the per-exhibit CM/ECF files in
:mod:`.attachments` and the records these share in :mod:`.exhibit`), the front matter
drawn with reportlab (:mod:`.frontmatter`), OCR of scans (:mod:`.ocr`, its text layer grafted
onto the scanned pages by :mod:`.textlayer`), the work per exhibit on every core
(:mod:`.pagework`) and the libraries' messages sent to the debug log (:mod:`.noise`). Of its
modules, only bundle, stamps, cleanup, links, attachments, textlayer and pagework import pikepdf.
"""
