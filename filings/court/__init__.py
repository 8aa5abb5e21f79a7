"""The court stage: what the Court's rules require of a filing, apart from its wording.

Owns confidential values (CIT Rule 5(g)): how a value is marked and what each version shows
and how fact text is printed into a paper for a version
(:mod:`.confidential`; paths into the facts: :mod:`.factpaths`); untagged values that print a
confidential one, and ``!public`` values (:mod:`.twins`); the leak scan of public outputs
(:mod:`.leaks`; what it looks for: :mod:`.needles`; the forms of a value it compares:
:mod:`.variants`); the privacy lint of Rule 5.2 (:mod:`.privacy`; the forms of the numbers and dates it finds: :mod:`.identifiers`); and time
under the rules: Rule 6(a) counting, limitation periods and deadlines (:mod:`.deadlines`), told as
``filings deadlines`` tells them (:mod:`.timeline`), and across the matters of a campaign as one
table and an iCalendar file (:mod:`.docketing`).

It reads the facts (and the office-file cleaner, for the privacy lint of Word exhibits);
the papers and the build read it.
"""
