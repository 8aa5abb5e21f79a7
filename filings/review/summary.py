"""The diff's summary for reviewers: ``summary.md`` and one self-contained ``summary.html``.

Both say the same: the two versions compared, a line per paper (changed with the facts that
caused it and its count of tracked changes, added, removed, unchanged), the fact diff (path,
old → new value, the line in each version of the facts file), the exhibits added, removed or
relabelled, and links to each redline DOCX and PDF (relative, so the folder can be zipped
and sent). The HTML page has its style inline and no script, image or font from elsewhere:
it opens offline in any browser. A confidential fact's values are shown marked as such.
"""
from __future__ import annotations

import html
from pathlib import Path

from filings.pipeline.changes import EDIT, TEMPLATE

TITLE = "What changed"


def write_summary(diff, out: Path) -> tuple[Path, Path]:
    """Write ``summary.md`` and ``summary.html`` into ``out``; return their paths."""
    md, page = out / "summary.md", out / "summary.html"
    md.write_text(markdown(diff, out), encoding="utf-8")
    page.write_text(html_page(diff, out), encoding="utf-8")
    return md, page


def _cause(cause: str) -> str:
    if cause == EDIT:
        return "an edit in Word (edits/)"
    return "its template" if cause == TEMPLATE else cause


def _link(path: Path | None, out: Path) -> str | None:
    return path.relative_to(out).as_posix() if path is not None else None


def _value(value: str | None, confidential: bool) -> str:
    if value is None:
        return "(absent)"
    return f"{value} (confidential)" if confidential else value


def _counts(diff) -> dict[str, int]:
    counts = {"changed": 0, "added": 0, "removed": 0, "unchanged": 0}
    for paper in diff.papers:
        counts[paper.status] = counts.get(paper.status, 0) + 1
    return counts


def markdown(diff, out: Path) -> str:
    lines = [f"# {TITLE}", "", f"From **{diff.old.label}** to **{diff.new.label}**.", ""]
    if not diff.changed:
        return "\n".join(lines + ["No changes.", ""])
    counts = _counts(diff)
    lines += [", ".join(f"{n} {status}" for status, n in counts.items() if n) + " papers.", "", "## Papers", "",
              "| paper | status | tracked changes | because of | redline |", "|---|---|---|---|---|"]
    for p in diff.papers:
        links = " · ".join(f"[{kind}]({_link(path, out)})" for kind, path in
                           (("DOCX", p.redline_docx), ("PDF", p.redline_pdf)) if path is not None)
        why = ", ".join(f"`{_cause(c)}`" for c in p.causes)
        count = str(p.revisions) if p.status == "changed" and p.redline_docx else ""
        lines.append(f"| {p.key} | {p.status} | {count} | {why} | {links} |")
    lines += ["", f"## Facts ({diff.new.facts_name})", ""]
    if not diff.facts_known:
        lines.append("The facts of one version are not known (not in the matter's history).")
    elif not diff.facts:
        lines.append("No fact changed.")
    else:
        lines += ["| fact | change | old (line) | new (line) |", "|---|---|---|---|"]
        for f in diff.facts:
            old = f"{_value(f.old, f.confidential)} ({f.old_line})" if f.old is not None else "(absent)"
            new = f"{_value(f.new, f.confidential)} ({f.new_line})" if f.new is not None else "(absent)"
            lines.append(f"| `{f.path}` | {f.status} | {_md(old)} | {_md(new)} |")
    if diff.exhibits:
        lines += ["", "## Exhibits", "", "| exhibit | change | old label | new label |", "|---|---|---|---|"]
        for e in diff.exhibits:
            lines.append(f"| {e.id} | {e.status} | {e.old_label or ''} | {e.new_label or ''} |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:60em;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;
vertical-align:top}th{background:#f3f3f3}code{font-size:.95em}
.changed{color:#a15c00}.added{color:#1a7f37}.removed{color:#b42318}.unchanged{color:#777}
del{color:#b42318}ins{color:#1a7f37}.counts span{margin-right:1.2em}
"""


def html_page(diff, out: Path) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width,initial-scale=1">',
             f"<title>{TITLE}: {e(diff.new.label)}</title><style>{_STYLE}</style></head><body>",
             f"<h1>{TITLE}</h1>", f"<p>From <strong>{e(diff.old.label)}</strong> to "
             f"<strong>{e(diff.new.label)}</strong>.</p>"]
    if not diff.changed:
        parts += ['<p id="verdict">No changes.</p>', "</body></html>"]
        return "\n".join(parts) + "\n"
    counts = _counts(diff)
    parts.append('<p class="counts" id="counts">' + "".join(
        f'<span class="{s}">{n} {s}</span>' for s, n in counts.items() if n) + "</p>")
    parts += ["<h2>Papers</h2>", '<table id="papers"><thead><tr><th>paper</th><th>status</th>'
              "<th>tracked changes</th><th>because of</th><th>redline</th></tr></thead><tbody>"]
    for p in diff.papers:
        links = " · ".join(f'<a href="{e(_link(path, out))}">{kind}</a>' for kind, path in
                           (("DOCX", p.redline_docx), ("PDF", p.redline_pdf)) if path is not None)
        why = ", ".join(f"<code>{e(_cause(c))}</code>" for c in p.causes)
        count = str(p.revisions) if p.status == "changed" and p.redline_docx else ""
        parts.append(f'<tr data-paper="{e(p.key)}"><td>{e(p.key)}</td><td class="{p.status}">{p.status}</td>'
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
            old = f"<del>{e(_value(f.old, f.confidential))}</del>" if f.old is not None else "(absent)"
            new = f"<ins>{e(_value(f.new, f.confidential))}</ins>" if f.new is not None else "(absent)"
            parts.append(f'<tr data-fact="{e(f.path)}"><td><code>{e(f.path)}</code></td>'
                         f'<td class="{f.status}">{f.status}</td><td>{old}</td><td>{f.old_line or ""}</td>'
                         f"<td>{new}</td><td>{f.new_line or ''}</td></tr>")
        parts.append("</tbody></table>")
    if diff.exhibits:
        parts += ["<h2>Exhibits</h2>", '<table id="exhibits"><thead><tr><th>exhibit</th><th>change</th>'
                  "<th>old label</th><th>new label</th></tr></thead><tbody>"]
        for x in diff.exhibits:
            parts.append(f"<tr><td>{e(x.id)}</td><td class=\"{x.status}\">{x.status}</td>"
                         f"<td>{e(x.old_label or '')}</td><td>{e(x.new_label or '')}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
