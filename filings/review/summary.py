"""The diff's summaries for reviewers: ``summary.md`` and one self-contained ``summary.html``,
one pair per version, never one for both.

Each says: the two versions compared, a line per paper and letter (changed with the facts that
caused it and its count of tracked changes, headers and footers included; added; removed;
unchanged; a paper compared with its twin across the confidential split names it), the fact
diff (path, old → new value, the line in each version of the facts file), each exhibit moved,
renumbered, changed, added or removed (labels, Bates ranges, pages), the bundle and the
packets, and links to each redline DOCX and PDF (relative, so the folder can be zipped and
sent). The HTML page has its style inline and no script, image or font from elsewhere.

The **public summary** (``summary.*`` at the top of the review folder, beside the public
redlines) holds the public version's papers and never a confidential value: a confidential
fact is named by its path alone, and the file is read by the build's leak scan
(:func:`filings.court.leaks.scan_outputs`) before the diff ends; a leak is an error and the
public summary is removed. The **confidential summary** (``confidential/summary.*``) holds the
confidential version's papers and the values, under the version's legend; it is written only
when the diff has a confidential side.
"""
from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Iterable, Mapping

from filings.errors import FilingsError
from filings.pipeline.changes import EDIT, TEMPLATE
from filings.review.holdings import is_public

TITLE = "What changed"
CONFIDENTIAL = "confidential"


def write_summaries(diff, out: Path, secrets: Mapping[str, Iterable[str]] | None = None,
                    legend: str = "CONFIDENTIAL VERSION") -> list[Path]:
    """Write the public summary into ``out`` (leak-scanned against ``secrets``) and, when the
    diff has a confidential side, the confidential one into ``out/confidential``."""
    made = list(write_summary(diff, out))
    if secrets:
        from filings.court.leaks import scan_outputs

        report = scan_outputs(out, secrets, raise_on_leak=False, skip=(CONFIDENTIAL, "redline"))
        if report.leaks:
            for path in made:
                path.unlink(missing_ok=True)
            facts = ", ".join(sorted({leak.path for leak in report.leaks}))
            raise FilingsError(f"leak scan: the public summary would show the confidential value of {facts}; it "
                               "was not written. Report this: the summary names confidential facts by path alone",
                               path=str(out))
    if diff.confidential_side:
        folder = out / CONFIDENTIAL
        folder.mkdir(exist_ok=True)
        os.chmod(folder, 0o700)
        made += write_summary(diff, folder, view=CONFIDENTIAL, legend=legend, root=out)
    return made


def write_summary(diff, out: Path, *, view: str = "public", legend: str = "",
                  root: Path | None = None) -> tuple[Path, Path]:
    """Write ``summary.md`` and ``summary.html`` of one version into ``out``; return their paths.
    ``root`` is the review folder (the redlines' paths are relative to it)."""
    md, page = out / "summary.md", out / "summary.html"
    view_ = _View(diff, out, root or out, view, legend)
    md.write_text(markdown(view_), encoding="utf-8")
    page.write_text(html_page(view_), encoding="utf-8")
    return md, page


class _View:
    """What one version's summary shows of a diff."""

    def __init__(self, diff, out: Path, root: Path, view: str, legend: str):
        self.diff, self.out, self.root, self.legend = diff, out, root, legend
        self.confidential = view == CONFIDENTIAL
        if self.confidential:
            self.papers = [p for p in diff.papers if not p.public or (p.side == "" and not p.key.startswith("public/"))]
            self.holdings = [h for h in diff.holdings if not is_public(h) or h.side == ""]
        else:
            self.papers = [p for p in diff.papers if p.public]
            self.holdings = [h for h in diff.holdings if is_public(h)]
        self.changed = diff.changed

    def link(self, path: Path | None) -> str | None:
        return os.path.relpath(path, self.out).replace(os.sep, "/") if path is not None else None

    def value(self, fact, which: str) -> str:
        value = getattr(fact, which)
        if value is None:
            return "(absent)"
        if fact.confidential:
            return f"{value} (confidential)" if self.confidential else "(confidential: see the confidential summary)"
        return value

    def counts(self) -> dict[str, int]:
        counts = {"changed": 0, "added": 0, "removed": 0, "unchanged": 0}
        for paper in self.papers:
            counts[paper.status] = counts.get(paper.status, 0) + 1
        return counts

    @property
    def version(self) -> str:
        if self.confidential:
            return "the confidential version"
        return "the public version" if self.diff.confidential_side else ""


def _cause(cause: str) -> str:
    if cause == EDIT:
        return "an edit in Word (edits/)"
    return "its template" if cause == TEMPLATE else cause


def _withheld(paper) -> str:
    return "withheld: it would show a value confidential now (see the confidential summary)" \
        if getattr(paper, "withheld", False) else ""


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(v: _View) -> str:
    diff = v.diff
    lines = [f"**{v.legend}**", ""] if v.confidential and v.legend else []
    lines += [f"# {TITLE}" + (f" in {v.version}" if v.version else ""), "",
              f"From **{diff.old.label}** to **{diff.new.label}**.", ""]
    if not v.changed:
        return "\n".join(lines + ["No changes.", ""])
    if v.version and not v.confidential:
        lines += ["The confidential version's summary, with its values, is in `confidential/` "
                  "(not for the public).", ""]
    lines += [", ".join(f"{n} {status}" for status, n in v.counts().items() if n) + " papers.", "", "## Papers", "",
              "| paper | status | tracked changes | because of | redline |", "|---|---|---|---|---|"]
    for p in v.papers:
        links = " · ".join(f"[{kind}]({v.link(path)})" for kind, path in
                           (("DOCX", p.redline_docx), ("PDF", p.redline_pdf)) if path is not None) or _withheld(p)
        why = "; ".join(_md(_cause(c)) for c in p.reasons)
        count = str(p.revisions) if p.status == "changed" and p.redline_docx else ""
        lines.append(f"| {_md(p.shown)} | {p.status} | {count} | {why} | {links} |")
    lines += ["", f"## Facts ({diff.new.facts_name})", ""]
    if not diff.facts_known:
        lines.append("The facts of one version are not known (not in the matter's history).")
    elif not diff.facts:
        lines.append("No fact changed.")
    else:
        lines += ["| fact | change | old (line) | new (line) |", "|---|---|---|---|"]
        for f in diff.facts:
            old = f"{v.value(f, 'old')} ({f.old_line})" if f.old is not None else "(absent)"
            new = f"{v.value(f, 'new')} ({f.new_line})" if f.new is not None else "(absent)"
            lines.append(f"| `{f.path}` | {f.status} | {_md(old)} | {_md(new)} |")
    if v.holdings:
        lines += ["", "## Exhibits, bundle and packets", "", "| what | name | change | details | because of |",
                  "|---|---|---|---|---|"]
        for h in v.holdings:
            why = "; ".join(_md(c) for c in h.causes)
            lines.append(f"| {h.kind} | {_md(h.name)} | {h.status} | {_md(h.detail)} | {why} |")
    return "\n".join(lines) + "\n"


_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:60em;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;
vertical-align:top}th{background:#f3f3f3}code{font-size:.95em}
.changed,.moved,.renumbered{color:#a15c00}.added{color:#1a7f37}.removed{color:#b42318}.unchanged{color:#777}
del{color:#b42318}ins{color:#1a7f37}.counts span{margin-right:1.2em}.legend{font-weight:bold;letter-spacing:.05em}
"""


def html_page(v: _View) -> str:
    e, diff = html.escape, v.diff
    title = TITLE + (f" in {v.version}" if v.version else "")
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width,initial-scale=1">',
             f"<title>{e(title)}: {e(diff.new.label)}</title><style>{_STYLE}</style></head><body>"]
    if v.confidential and v.legend:
        parts.append(f'<p class="legend" id="legend">{e(v.legend)}</p>')
    parts += [f"<h1>{e(title)}</h1>", f"<p>From <strong>{e(diff.old.label)}</strong> to "
              f"<strong>{e(diff.new.label)}</strong>.</p>"]
    if not v.changed:
        parts += ['<p id="verdict">No changes.</p>', "</body></html>"]
        return "\n".join(parts) + "\n"
    if v.version and not v.confidential:
        parts.append("<p>The confidential version's summary, with its values, is in <code>confidential/</code> "
                     "(not for the public).</p>")
    parts.append('<p class="counts" id="counts">' + "".join(
        f'<span class="{s}">{n} {s}</span>' for s, n in v.counts().items() if n) + "</p>")
    parts += ["<h2>Papers</h2>", '<table id="papers"><thead><tr><th>paper</th><th>status</th>'
              "<th>tracked changes</th><th>because of</th><th>redline</th></tr></thead><tbody>"]
    for p in v.papers:
        links = " · ".join(f'<a href="{e(v.link(path))}">{kind}</a>' for kind, path in
                           (("DOCX", p.redline_docx), ("PDF", p.redline_pdf)) if path is not None) or e(_withheld(p))
        why = "; ".join(e(_cause(c)) for c in p.reasons)
        count = str(p.revisions) if p.status == "changed" and p.redline_docx else ""
        parts.append(f'<tr data-paper="{e(p.key)}"><td>{e(p.shown)}</td><td class="{p.status}">{p.status}</td>'
                     f"<td>{count}</td><td>{why}</td><td>{links}</td></tr>")
    parts += ["</tbody></table>", f"<h2>Facts ({e(diff.new.facts_name)})</h2>"]
    if not diff.facts_known:
        parts.append("<p>The facts of one version are not known (not in the matter's history).</p>")
    elif not diff.facts:
        parts.append("<p>No fact changed.</p>")
    else:
        parts.append('<table id="facts"><thead><tr><th>fact</th><th>change</th><th>old</th><th>line</th>'
                     "<th>new</th><th>line</th></tr></thead><tbody>")
        for f in diff.facts:
            old = f"<del>{e(v.value(f, 'old'))}</del>" if f.old is not None else "(absent)"
            new = f"<ins>{e(v.value(f, 'new'))}</ins>" if f.new is not None else "(absent)"
            parts.append(f'<tr data-fact="{e(f.path)}"><td><code>{e(f.path)}</code></td>'
                         f'<td class="{f.status}">{f.status}</td><td>{old}</td><td>{f.old_line or ""}</td>'
                         f"<td>{new}</td><td>{f.new_line or ''}</td></tr>")
        parts.append("</tbody></table>")
    if v.holdings:
        parts += ["<h2>Exhibits, bundle and packets</h2>", '<table id="holdings"><thead><tr><th>what</th>'
                  "<th>name</th><th>change</th><th>details</th><th>because of</th></tr></thead><tbody>"]
        for h in v.holdings:
            why = "; ".join(e(c) for c in h.causes)
            parts.append(f'<tr data-{h.kind}="{e(h.name)}"><td>{h.kind}</td><td>{e(h.name)}</td>'
                         f'<td class="{h.status}">{h.status}</td><td>{e(h.detail)}</td><td>{why}</td></tr>')
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
