"""Bounds on the work a build may do with untrusted inputs.

Facts files, templates and exhibits come from clients, colleagues and opposing parties:
any of them may be damaged, huge or built to exhaust the machine (an alias bomb, a zip
bomb, a decompression-bomb image, a template that never stops). Every stage checks its
input against one of these bounds first and stops with one line naming the input and
the bound. The defaults suit any real CIT matter; they are listed in the README.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Every bound a build enforces, with its default."""

    facts_bytes: int = 2 * 1024 * 1024          # size of a facts file
    yaml_nodes: int = 50_000                    # values in a facts file, aliases expanded
    yaml_depth: int = 64                        # nesting of a facts file
    extends_depth: int = 8                      # facts files a matter's facts extend, one through another
    office_unpacked_bytes: int = 256 * 1024 * 1024  # a DOCX/ODT (template or exhibit) unpacked
    office_entries: int = 5_000                 # files inside one DOCX/ODT
    office_ratio: int = 200                     # unpacked/packed size of one part of a DOCX/ODT
    render_seconds: float = 30.0                # rendering one template
    render_output_bytes: int = 64 * 1024 * 1024  # text one template may produce
    convert_seconds: float = 300.0              # one LibreOffice run (--timeout)
    convert_memory_bytes: int = 4 * 1024 * 1024 * 1024  # LibreOffice's address space
    redline_seconds: float = 120.0              # the redline engine comparing one paper
    redline_memory_bytes: int = 2 * 1024 * 1024 * 1024  # the redline engine's resident memory
    image_pixels: int = 150_000_000             # one exhibit image or TIFF frame
    exhibit_pages: int = 20_000                 # pages of one exhibit
    mail_bytes: int = 64 * 1024 * 1024          # one e-mail exhibit (.eml, .msg), attachments included
    mail_attachments: int = 100                 # attachments of one e-mail, nested e-mails' counted
    mail_depth: int = 3                         # e-mails attached to e-mails, one inside another
    mail_text_chars: int = 2_000_000            # the text of one e-mail's body
    ocr_seconds: float = 600.0                  # OCR of one exhibit
    lock_seconds: float = 600.0                 # waiting for another build into the same folder


DEFAULT_LIMITS = Limits()
