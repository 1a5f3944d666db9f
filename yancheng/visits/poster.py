"""The enterprise's gate poster: an A4 PDF with its fixed code, to print and hang at the gate."""

import io

from django.http import HttpResponse
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from yancheng.core.output.pdf import draw_qr, register_font


def poster_pdf(enterprise, url: str) -> HttpResponse:
    font = register_font()
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    page.setTitle(f"{enterprise.name} 企业码")
    page.setFillColorRGB(0.65, 0.11, 0.11)
    page.rect(0, height - 45 * mm, width, 45 * mm, stroke=0, fill=1)
    page.setFillColorRGB(1, 1, 1)
    page.setFont(font, 30)
    page.drawCentredString(width / 2, height - 25 * mm, "赋码入企 · 企业码")
    page.setFont(font, 13)
    page.drawCentredString(width / 2, height - 36 * mm, "衡阳市优化经济发展环境办公室")
    page.setFillColorRGB(0, 0, 0)
    page.setFont(font, 20)
    page.drawCentredString(width / 2, height - 62 * mm, enterprise.name)
    page.setFont(font, 12)
    page.drawCentredString(width / 2, height - 71 * mm, f"统一社会信用代码：{enterprise.uscc}")
    draw_qr(page, url, x=(width - 120 * mm) / 2, top=height - 80 * mm, size=120 * mm)
    lines = [
        "公务人员入企，请先出示绿色通行码，再用手机扫描上方二维码签到，离开时再次扫码签退。",
        "无通行码、未扫码的，企业有权拒绝接待，并可在平台“无码入企报告”中反映。",
        "来访结束后，请企业对本次活动进行满意度评价（匿名）。",
    ]
    page.setFont(font, 11)
    y = height - 215 * mm
    for line in lines:
        page.drawCentredString(width / 2, y, line)
        y -= 8 * mm
    page.setFont(font, 9)
    page.drawCentredString(width / 2, 15 * mm, url)
    page.showPage()
    page.save()
    response = HttpResponse(buffer.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename=enterprise-code-{enterprise.uscc}.pdf"
    return response
