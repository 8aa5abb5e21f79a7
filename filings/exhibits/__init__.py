"""The exhibits stage: the exhibit files a paralegal gathers, made into a bundle.

Owns the exhibit sources (:mod:`.sources`: files of the matter or templates rendered; excerpts
of a file's pages cut in :mod:`.excerpts`, spreadsheets in :mod:`.sheets`, e-mails read in
:mod:`.mail`, planned as a page and sub-exhibits in :mod:`.mailpage` and put together in
:mod:`.compose`),
the bundle with its index, covers, Bates numbers and page labels (:mod:`.bundle`, with
page placement in :mod:`.stamps` and clean-up of untrusted PDFs in :mod:`.cleanup`, what an
exhibit carries that cannot be filed, its attachments and unembedded fonts, in
:mod:`.carried`, the exhibits' own links and bookmarks in :mod:`.links`, the per-exhibit
CM/ECF files in :mod:`.attachments`, the version's legend and the exhibit stamp laid on
after assembly in :mod:`.marks` and the records these share in :mod:`.exhibit`), true
redaction of areas of exhibit pages (:mod:`.redact`, with font metrics from :mod:`.glyphs`),
PDF/A-2b output (:mod:`.pdfa`),
the front matter drawn with reportlab (:mod:`.frontmatter`), with the pages of their own in
:mod:`.drawn`, OCR of scans (:mod:`.ocr`, its text layer grafted onto the scanned pages by :mod:`.textlayer`),
the work per exhibit on every core (:mod:`.pagework`) and the libraries' messages sent to the
debug log (:mod:`.noise`). Of its modules, only bundle, stamps, cleanup, carried, links, marks,
redact, pdfa, attachments, excerpts, compose, textlayer and pagework import pikepdf; frontmatter and
drawn draw with reportlab (glyphs reads its metrics of PDF's standard fonts).
"""
