"""A family's extract of its entry as a PDF (fpdf2, pure Python, no network).

What a family may know and nothing more (``family.case_extract``): the case number, the
day the report was received, the relative's details as the family gave them, and the
status as the register knows it now in the words a family is told (captivity reads as
"missing"). The text is in the family's language; Cyrillic needs a Unicode font, so
DejaVu Sans is vendored beside this module (``fonts/``, with its licence) rather than
looked up on the machine.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF

from musterroll.names import normalise_sex
from musterroll.web.i18n import translate

__all__ = ["FONT_DIR", "extract_pdf"]

FONT_DIR = Path(__file__).parent / "fonts"
_FIELDS = ("surname", "given_name", "patronymic", "birth_date", "sex", "missing_since",
           "place", "note")


def _value(language: str, field: str, value: Any) -> str:
    if field == "sex" and normalise_sex(value):
        return translate(language, f"sex_{normalise_sex(value)}")
    return str(value)


def extract_pdf(extract: dict[str, Any], *, language: str,
                made: datetime | None = None) -> bytes:
    """Return the PDF of one family's extract.

    Args:
        extract: what ``family.case_extract`` returned.
        language: "uk" or "en" (labels and status words).
        made: when the extract is made (UTC); now by default. It is printed, and is the
            PDF's creation date.
    Returns:
        The PDF file's bytes (A4, one page for any report the form accepts).
    """
    made = made or datetime.now(UTC)
    t = translate
    pdf = FPDF(format="A4")
    pdf.set_creation_date(made)
    pdf.set_title(f"{t(language, 'extract_title')} {extract['case_number']}")
    pdf.set_creator("musterroll")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 20, 20)
    pdf.add_page()

    def line(text: str, *, size: float = 11, bold: bool = False, gap: float = 2) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    line(t(language, "extract_title"), size=16, bold=True, gap=4)
    line(f"{t(language, 'case_number')}: {extract['case_number']}", bold=True)
    line(t(language, "case_received", day=extract["received"]))
    line(t(language, "extract_made", day=made.date().isoformat()), gap=6)
    line(t(language, "extract_reported"), size=13, bold=True)
    for field in _FIELDS:
        value = extract["reported"].get(field)
        if value:
            line(f"{t(language, field)}: {_value(language, field, value)}", gap=1)
    pdf.ln(5)
    line(t(language, "extract_status_now"), size=13, bold=True)
    status = extract["status"]
    line(f"{t(language, 'status')}: {t(language, 'status_' + status)}" if status
         else t(language, "case_not_linked"), gap=8)
    line(t(language, "extract_private"), size=9)
    return bytes(pdf.output())
