"""The review page of ``filings serve`` (:mod:`filings.review.serve`): what it reads from a
matter (:mod:`.matter`), two builds compared for it (:mod:`.comparing`), and the page itself as
package data: Jinja2 templates (``*.html``, autoescaped), one style sheet (``page.css``) and a
few lines of plain JavaScript (``page.js``), served as they are: nothing is built, bundled or
fetched from elsewhere.
"""
