"""LibreOffice's own document compare, the redline engine's fallback, and Accept/Reject All: run as a script.

    <python with uno> locompare.py PROFILE_DIR PIPE_NAME JOBS.json

Runs under the Python that has LibreOffice's ``uno`` module (python3-uno), never imported
by filings itself (it imports nothing of filings). It starts one headless LibreOffice on the
(locked-down) profile given, and for each job of the jobs file:

- ``[old, new, out]``: opens ``new``, compares it with ``old`` (``.uno:CompareDocuments``,
  what unoserver's ``unocompare`` does) and stores the result as Word 2007 XML at ``out``.
  LibreOffice records insertions and deletions but not formatting-only changes.
- ``["text", source, out, how]``: opens ``source``, with ``how`` ``"accept"`` or ``"reject"``
  runs Accept All or Reject All on its tracked changes (``.uno:AcceptAllTrackedChanges``,
  ``.uno:RejectAllTrackedChanges``; ``"as-is"`` runs neither), and stores its text (list
  numbers included, as LibreOffice prints them) as UTF-8 at ``out``: what a reviewer gets
  after accepting or rejecting every change of a redline, to compare with the paper itself.

Exit code 0 when every job was written.
"""
import json
import subprocess
import sys
import time


def main(argv):
    import uno
    from com.sun.star.beans import PropertyValue

    def prop(name, value):
        return PropertyValue(Name=name, Value=value)

    profile, pipe, jobs_file = argv
    with open(jobs_file, encoding="utf-8") as f:
        jobs = json.load(f)
    office = subprocess.Popen(["soffice", "-env:UserInstallation=" + uno.systemPathToFileUrl(profile), "--headless",
                               "--invisible", "--norestore", "--nolockcheck", "--nodefault",
                               "--accept=pipe,name=%s;urp;" % pipe],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop = None
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        context = None
        for _ in range(600):
            try:
                context = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
                break
            except Exception:
                if office.poll() is not None:
                    break
                time.sleep(0.1)
        if context is None:
            print("LibreOffice did not start", file=sys.stderr)
            return 2
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        helper = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
        for job in jobs:
            if job[0] == "text":
                _, source, out, how = job
                doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0,
                                                   (prop("Hidden", True),))
                try:
                    if how in ("accept", "reject"):
                        command = ".uno:AcceptAllTrackedChanges" if how == "accept" else ".uno:RejectAllTrackedChanges"
                        helper.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())
                    doc.storeToURL(uno.systemPathToFileUrl(out), (prop("FilterName", "Text (encoded)"),
                                                                  prop("FilterOptions", "UTF8,LF"),
                                                                  prop("Overwrite", True)))
                finally:
                    doc.close(True)
                continue
            old, new, out = job
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(new), "_blank", 0, (prop("Hidden", True),))
            try:
                helper.executeDispatch(doc.getCurrentController().getFrame(), ".uno:CompareDocuments", "", 0,
                                       (prop("URL", uno.systemPathToFileUrl(old)), prop("NoAcceptDialog", True)))
                doc.storeToURL(uno.systemPathToFileUrl(out), (prop("FilterName", "MS Word 2007 XML"),
                                                              prop("Overwrite", True)))
            finally:
                doc.close(True)
        return 0
    finally:
        try:
            if desktop is not None:
                desktop.terminate()
        except Exception:
            pass
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
