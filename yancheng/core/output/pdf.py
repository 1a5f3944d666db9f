"""PDF helpers: the CJK font (settings.CJK_FONT) registered once, and QR codes drawn as vectors."""

from functools import cache

import segno
from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "CJK"


@cache
def register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, settings.CJK_FONT, subfontIndex=0))
    return FONT


def draw_qr(page, data: str, *, x: float, top: float, size: float) -> None:
    """segno's module matrix drawn as vector squares: sharp at any print size."""
    matrix = segno.make(data, error="q").matrix
    module = size / len(matrix)
    for row, line in enumerate(matrix):
        for column, dark in enumerate(line):
            if dark:
                page.rect(x + column * module, top - (row + 1) * module, module, module, stroke=0, fill=1)
