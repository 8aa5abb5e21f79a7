"""The convert stage: Word documents into PDF through LibreOffice, and office files made safe.

Owns the converter interface and the one-run converter (:mod:`.libreoffice`), the warm
pool of LibreOffice servers (:mod:`.pool` schedules a batch on them, :mod:`.endpoint` talks
to one, :mod:`.instances` starts, finds and stops the local ones, one folder per install;
:mod:`.poolserver` and :mod:`.locompare` run as scripts under the system Python that has
LibreOffice's ``uno``), the cache of PDFs already made (:mod:`.cache`), and the checks and
clean-up of untrusted DOCX/ODT files (:mod:`.office`, with the container's checks in
:mod:`.officezip` and the cleanings in :mod:`.officedocx` and :mod:`.officeodf`), and the
text of PDF pages as PDFium reads it, for the lints and checks (:mod:`.pdftext`).

It knows nothing of facts or papers: it turns files into files.
"""
