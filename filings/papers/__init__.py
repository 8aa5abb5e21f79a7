"""The papers stage: templates plus facts make Word drafts.

Owns what a template sees (:mod:`.context` builds it from the facts, once a build, and
:mod:`.view` adds what one paper sees of its filing, with the parties'
named values of :mod:`.parties` and, for the kind of case (the determination, the protests,
the standard of review the counts rest on), of :mod:`.actions`, as the read-tracked,
immutable nodes of :mod:`.nodes`) and the English around the facts (:mod:`.wording`), the named values of a Rule 65 motion's proposed orders (:mod:`.orders`), where templates come from (:mod:`.library`),
the lint of a template as a lawyer edits it (:mod:`.lint`), rendering (:mod:`.render`, its
errors worded by :mod:`.template_errors`) in the bounded sandbox (:mod:`.sandbox`, counting
its bounds in :mod:`.budget` and offering the filters of :mod:`.filters`), typesetting
(:mod:`.typeset`), the word count of motions and briefs (:mod:`.wordcount`), a brief's tables of
contents and authorities (:mod:`.authorities`) and the
fingerprints of the facts each paper read (:mod:`.depends`).
"""
