"""Docxodus (python-redlines) against LibreOffice's own compare, on the example's papers.

    python tools/compare_engines.py

Builds the example, changes one date (read by three papers) and builds again, makes one
phrase of the complaint's template bold and builds again; then compares each changed paper
with both engines and prints, per engine: seconds per paper (LibreOffice warm: one instance
started once, as a pool would keep it), the tracked changes found, and whether the bold-only
change was recorded (w:rPrChange). LibreOffice's compare runs as unoserver's comparer does
(``.uno:CompareDocuments`` on the new document, stored as Word 2007 XML), under the Python
that has LibreOffice's ``uno`` module (python3-uno). This is how filings/redline.py's choice
was made; run it again when either engine changes.
"""
from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNO_SCRIPT = r'''
import json, os, subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue
def P(n, v): return PropertyValue(Name=n, Value=v)
profile, jobs = sys.argv[1], json.loads(sys.argv[2])
proc = subprocess.Popen(["soffice", "-env:UserInstallation=" + uno.systemPathToFileUrl(profile), "--headless",
                         "--invisible", "--norestore", "--accept=pipe,name=filings-compare-eval;urp;"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for _ in range(300):
    try:
        ctx = resolver.resolve("uno:pipe,name=filings-compare-eval;urp;StarOffice.ComponentContext")
        break
    except Exception:
        time.sleep(0.1)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
helper = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
times = []
for old, new, out in jobs:
    start = time.perf_counter()
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(new), "_blank", 0, (P("Hidden", True),))
    helper.executeDispatch(doc.getCurrentController().getFrame(), ".uno:CompareDocuments", "", 0,
                           (P("URL", uno.systemPathToFileUrl(old)), P("NoAcceptDialog", True)))
    doc.storeToURL(uno.systemPathToFileUrl(out), (P("FilterName", "MS Word 2007 XML"), P("Overwrite", True)))
    doc.close(True)
    times.append(time.perf_counter() - start)
try:
    desktop.terminate()
except Exception:
    pass
proc.wait()
print(json.dumps(times))
'''


def revisions(docx: Path) -> dict[str, int]:
    with zipfile.ZipFile(docx) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return {tag: len(re.findall(rf"<w:{tag}[ >]", xml)) for tag in ("ins", "del", "moveFrom", "moveTo", "rPrChange")}


def main() -> None:
    import datetime as dt

    import docx as python_docx

    from filings.pipeline.builder import build
    from filings.review.redline import redline_docx

    when = dt.datetime(2024, 6, 3, tzinfo=dt.timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        matter = work / "matter"
        (matter / "templates").mkdir(parents=True)
        shutil.copy(ROOT / "facts.yaml", matter / "facts.yaml")
        shutil.copytree(ROOT / "exhibits", matter / "exhibits")
        shutil.copy(ROOT / "templates" / "complaint.docx", matter / "templates" / "complaint.docx")
        versions = []
        for step in ("first", "date", "bold"):
            if step == "date":
                text = (matter / "facts.yaml").read_text()
                (matter / "facts.yaml").write_text(text.replace("    date: 2024-05-17", "    date: 2024-05-16", 1))
            if step == "bold":
                document = python_docx.Document(matter / "templates" / "complaint.docx")
                run = next(r for p in document.paragraphs for r in p.runs
                           if r.text.startswith("The Court may order any form of relief"))
                run.bold = True
                document.save(matter / "templates" / "complaint.docx")
            build(matter / "facts.yaml", matter / "build")
            versions.append(shutil.copytree(matter / "build", work / step))
        jobs = [(versions[0] / f"{name}.docx", versions[1] / f"{name}.docx", f"date: {name}")
                for name in ("complaint", "information-statement", "motion")]
        jobs.append((versions[1] / "complaint.docx", versions[2] / "complaint.docx", "bold: complaint"))
        rows = {}
        for i, (old, new, label) in enumerate(jobs):
            target = work / f"docxodus-{i}.docx"
            start = time.perf_counter()
            redline_docx(old, new, target, when=when)
            rows.setdefault("docxodus", []).append((label, time.perf_counter() - start, revisions(target)))
        lo_jobs = [(str(old), str(new), str(work / f"libreoffice-{i}.docx")) for i, (old, new, _) in enumerate(jobs)]
        done = subprocess.run(["/usr/bin/python3", "-c", UNO_SCRIPT, str(work / "profile"), json.dumps(lo_jobs)],
                              capture_output=True, text=True, timeout=600)
        times = json.loads(done.stdout.strip().splitlines()[-1])
        rows["libreoffice"] = [(label, seconds, revisions(Path(out)))
                               for (_, _, label), seconds, (_, _, out) in zip(jobs, times, lo_jobs)]
        for engine, results in rows.items():
            print(f"{engine}: median {statistics.median(s for _, s, _ in results):.2f} s a paper")
            for label, seconds, found in results:
                print(f"  {label:34} {seconds:5.2f} s  {found}")
            bold = results[-1][2]
            print(f"  bold-only change recorded: {'yes (w:rPrChange)' if bold['rPrChange'] else 'NO'}")


if __name__ == "__main__":
    main()
