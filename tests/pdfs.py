"""What the tests of PDFs share: a PDF's text as a person with a ruler would read it."""

import functools
import math


@functools.cache
def text_runs(path) -> list[list[tuple[str, float, str]]]:
    """Each page's text runs, in the order drawn: (the text, stripped; the size it is drawn at in pt,
    its font size times the scale of the text and page matrices; the font's name). Read once."""
    import pypdf

    pages = []
    for page in pypdf.PdfReader(str(path)).pages:
        runs = []

        def visit(text, cm, tm, font, size, runs=runs):
            if not text.strip():
                return
            a, b, c, d = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                          tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])  # fmt: skip
            name = str(font.get("/BaseFont", "")) if font else ""
            runs.append((text.strip(), size * math.sqrt(abs(a * d - b * c)), name))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages
