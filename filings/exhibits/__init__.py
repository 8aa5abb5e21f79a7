"""The exhibits stage: the exhibit files a paralegal gathers, made into a bundle.

Owns the exhibit sources (:mod:`.sources`: files of the matter or templates rendered),
the bundle with its index, covers, Bates numbers and page labels (:mod:`.bundle`, with
page placement in :mod:`.stamps` and clean-up of untrusted PDFs in :mod:`.cleanup`), the
front matter drawn with reportlab (:mod:`.frontmatter`) and OCR of scans (:mod:`.ocr`).
"""
