"""The certificate as a PDF with real (extractable) Chinese text in a CJK font found at run
time (Debian's fonts-wqy-microhei or Noto CJK), and its verification QR code."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from fpdf import FPDF

from . import hours
from .models import Certificate

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


class NoCJKFont(RuntimeError):
    """No CJK font is installed (Debian: apt-get install fonts-wqy-microhei)."""


def cjk_font() -> Path:
    for candidate in FONT_CANDIDATES:
        path = Path(candidate)
        if path.exists():
            return path
    raise NoCJKFont(FONT_CANDIDATES[0])


def certificate_rows(cert: Certificate) -> list[tuple[str, str]]:
    """Every field RULES.md §3 asks of a certificate, in order."""
    period = ""
    if cert.period_from or cert.period_to:
        period = f"{cert.period_from or ''} 至 {cert.period_to or ''}"
    rows = [
        ("志愿者姓名", cert.volunteer_name),
        ("证件类型", cert.id_type),
        ("证件号码", cert.id_number_masked),
        ("志愿者编号", cert.volunteer_number or "—"),
        ("服务时长", f"{hours.hours(cert.minutes)} 小时"),
        ("服务内容", cert.content),
    ]
    if period:
        rows.append(("服务期间", period))
    rows += [
        ("出具单位", cert.issuer_name),
        ("负责人", cert.issuer_in_charge),
        ("经办人", cert.handling_officer),
        ("联系方式", cert.issuer_contact),
        ("证明编号", cert.number),
        ("出具日期", cert.issued_on.strftime("%Y年%m月%d日")),
    ]
    return rows


def certificate_pdf(cert: Certificate, verify_url: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(f"志愿服务证明 {cert.number}")
    pdf.add_font("cjk", "", str(cjk_font()))
    pdf.add_page()
    pdf.set_font("cjk", size=22)
    pdf.cell(0, 16, "志愿服务证明", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(
        0,
        8,
        f"兹证明 {cert.volunteer_name} 同志参加志愿服务，经记录确认，累计服务时长"
        f" {hours.hours(cert.minutes)} 小时。特此证明。",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    for label, value in certificate_rows(cert):
        pdf.set_font("cjk", size=11)
        pdf.cell(32, 9, label, border=1)
        pdf.multi_cell(0, 9, value, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    png = io.BytesIO()
    segno.make(verify_url, error="m").save(png, kind="png", scale=4, border=2)
    png.seek(0)
    y = pdf.get_y()
    pdf.image(png, x=pdf.l_margin, y=y, w=36, h=36)
    pdf.set_xy(pdf.l_margin + 40, y + 8)
    pdf.set_font("cjk", size=10)
    pdf.multi_cell(0, 6, f"扫码或访问以下地址核验真伪：\n{verify_url}")
    pdf.set_xy(pdf.l_margin, y + 44)
    pdf.multi_cell(0, 6, "依据《志愿服务记录与证明出具办法（试行）》出具，免费。")
    return bytes(pdf.output())
