"""The attorney's edits: a draft edited in Word merged with the draft built from new facts.

:mod:`.wordxml` reads WordprocessingML as the merge sees it (blocks, text, format, characters
in runs); :mod:`.merge` is the three-way merge of blocks and words, marking conflicts as
tracked changes; :mod:`.package` applies it to three DOCX packages (notes, links, comments,
headers and footers); :mod:`.check` reads the result as the attorney would and names any
edit it dropped; :mod:`.store` keeps the edits in the
matter's ``edits/`` folder; :mod:`.adopt` folds an edit into the matter's copy of its template.
"""
