"""What the proposed orders of a Rule 65 motion see: findings, expiry, hearing and security.

A motion for a temporary restraining order and a preliminary injunction has two proposed
orders (USCIT Rule 65): the TRO order (``tro-order``), which lasts a stated time after its
entry, at most 14 days unless extended (Rule 65(b)(2)), and sets the hearing on the
preliminary injunction (Rule 65(b)(3)); and the preliminary injunction order
(``proposed-order``), which lasts until final judgment. Both state findings on each
factor, describe the restrained acts in the order itself, say who is bound (Rule 65(d))
and the security (Rule 65(c)). :func:`rule65_values` computes the named values of
``motion`` they print; the wording around them is the templates'.
"""
from __future__ import annotations

from typing import Any

from filings.facts.dates import legal_time
from filings.papers.nodes import Node, NodeList

BLANK_AMOUNT = "$__________"  # the security left for the Court to set

# The standard finding on each factor (Winter v. NRDC, 555 U.S. 7, 20 (2008)), in the Court's
# voice; "{role}", "{has}", "{is}", "{it}" and "{its}" agree with the number of plaintiffs.
_FINDINGS = {
    "success": "{role} {has} shown that {it} {is} likely to succeed on the merits of {its} claims.",
    "harm": "{role} {has} shown that {it} {is} likely to suffer irreparable harm in the absence of preliminary "
            "relief.",
    "balance": "The balance of hardships tips in {role_possessive} favor.",
    "public_interest": "The relief ordered is in the public interest.",
}


def rule65_values(motion: Any, plaintiffs: int) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The named values of ``motion`` the proposed orders print, and the facts each comes from:
    ``findings`` (one sentence a factor: the facts' ``findings``, else the standard finding
    followed by the first sentence of the facts' argument on that factor), ``tro_lasts``
    (``14 days``), ``hearing`` (``date``, ``time`` = ``10:00 a.m.``; empty when not set),
    ``security`` (the amount, or a blank for the Court) and ``no_security``."""
    several = plaintiffs > 1
    words = {"role": "Plaintiffs" if several else "Plaintiff", "has": "have" if several else "has",
             "is": "are" if several else "is", "it": "they" if several else "it",
             "its": "their" if several else "its",
             "role_possessive": "Plaintiffs’" if several else "Plaintiff’s"}
    findings = []
    for factor, standard in _FINDINGS.items():
        own = getattr(motion.findings, factor) if motion.findings else None
        if own:
            findings.append(own)
        else:
            argued = getattr(motion.factors, factor)
            findings.append(standard.format(**words) + (f" {argued[0]}" if argued else ""))
    h = motion.hearing
    hearing = Node("motion.hearing", {"date": h.date, "time": legal_time(h.time) if h.time else None}) if h else None
    security = (motion.security or "").strip()
    no_security = security.lower() in ("none", "no security", "0", "$0")
    values = {"findings": NodeList("motion.findings", findings), "tro_lasts": motion.tro_lasts,
              "hearing": hearing, "no_security": no_security,
              "security": BLANK_AMOUNT if not security or no_security else security}
    sources = {"findings": ["motion.findings", "motion.factors", "case.plaintiffs"],
               "security": ["motion.security"], "no_security": ["motion.security"]}
    return values, sources
