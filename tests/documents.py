"""Documents as people have them, made at test time by real producers: PDFs printed by Debian's
Chromium from HTML pages (with the header and footer it prints on every page), a PDF encrypted
by qpdf, a scanned page (a picture of text, no text layer), a PDF cut in half, and a Word file
written by python-docx. `make_documents(folder)` writes them all; conftest.py makes them once
per run."""

from __future__ import annotations

import base64
import html
import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
# Flags that work on these machines: no GPU, no sandbox (root), and no background traffic.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

ARTICLE_TITLE = "Port security forum opens in Gdansk"
LONG_TITLE = "Forum day two: inspections, data and the container working group"
COLUMNS_TITLE = "Working groups bulletin"
# The sentence of the long article that runs across the break between pages 1 and 2.
ACROSS = (
    "The working group on container inspections was co-chaired by Captain Tomasz Wielgosz "
    "of the Polish Maritime Office and Inspector Liis Tamm of the Estonian Tax and Customs "
    "Board, who presented a plan for shared scanning records, joint training of boarding "
    "teams and a single contact point for each port"
)


def print_pdf(page: Path, out: Path, *, header_footer: bool = True) -> Path:
    """Print an HTML file to PDF with Chromium (its header and footer on, as a person's
    browser prints them, unless header_footer is False)."""
    assert Path(CHROMIUM).exists(), "Chromium is missing: run `scripts/ensure-chromium`"
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        flags = [*FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}"]
        if not header_footer:
            flags.append("--no-pdf-header-footer")
        subprocess.run([CHROMIUM, *flags, page.resolve().as_uri()], check=True,
                       capture_output=True, timeout=120)  # fmt: skip
    assert out.exists() and out.stat().st_size > 1000, f"Chromium printed no PDF to {out}"
    return out


def _page(title: str, body: str, style: str = "") -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title><style>body {{ font-family: 'DejaVu Serif', serif; font-size: 15px; "
        f"line-height: 20px }} p {{ margin: 0 0 10px 0 }} {style}</style></head><body>{body}"
        "</body></html>"
    )


def article_html() -> str:
    """A short news article (one page)."""
    return _page(
        ARTICLE_TITLE,
        f"""
<h1>{ARTICLE_TITLE}</h1>
<p>GDANSK, 12 May 2023 &mdash; The Baltic Port Security Forum opened on Thursday with
delegates from eleven ports.</p>
<p>The opening session was chaired by Admiral Karin Holmqvist of the Swedish Coast Guard,
who called for a common register of vessels that switch off their tracking transponders.</p>
<p>Ministers agreed that customs officers would exchange inspection reports within
forty-eight hours of a boarding, and the forum will meet again in Riga in 2024.</p>
""",
    )


def long_html(fillers: int = 27) -> str:
    """A long article over several pages; the paragraph holding ACROSS starts near the end of
    page 1 so that the sentence runs over the page break."""
    lines = "".join(
        f"<p>Delegates from port number {n} reported on their inspections this year.</p>"
        for n in range(1, fillers + 1)
    )
    tail = "".join(
        f"<p>In the afternoon, session {n} heard from the harbour master of port {n + 40}, who "
        "described how inspection reports are filed, checked and shared with the customs "
        "services of the neighbouring countries over the secure network.</p>"
        for n in range(1, 40)
    )
    return _page(
        LONG_TITLE,
        f"""
<h1>{LONG_TITLE}</h1>
<p>GDANSK, 13 May 2023 &mdash; The second day of the forum was given to inspections.</p>
{lines}
<p>{ACROSS}. The plan will be tried first in the ports of Gdynia and Tallinn.</p>
<p>Data sharing among coast guards was the theme of the second session, where the
inter&shy;governmental arrangements for sharing radar tracks were discussed at length.</p>
{tail}
""",
    )


def columns_html() -> str:
    """A bulletin set in two columns (CSS column-count), a headline across both."""
    left = "".join(
        f"<p>Working group {n} met in the morning and agreed on its terms of reference, which "
        "will be published before the next meeting of the forum.</p>"
        for n in range(1, 8)
    )
    return _page(
        COLUMNS_TITLE,
        f"""
<h1>{COLUMNS_TITLE}</h1>
<div class="cols">{left}
<p>The working group on port state control was chaired by Inspector Mart Saar of the
Estonian Maritime Administration, who asked for counter&shy;terrorism training of
boarding officers.</p>
<p>The closing statement of the working groups will be read by the forum's secretary.</p>
</div>
""",
        ".cols { column-count: 2; column-gap: 24px; text-align: justify }",
    )


def scanned_html() -> str:
    """A page that is only a picture of text: a scan without a text layer."""
    from PIL import Image, ImageDraw, ImageFont

    picture = Image.new("RGB", (1200, 400), "white")
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=28)
    for n, text in enumerate([
        "The forum was opened by the Mayor of Gdansk.",
        "Delegates from eleven ports attended the first day.",
    ]):  # fmt: skip
        draw.text((40, 60 + 60 * n), text, fill="black", font=font)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<!doctype html><html><body><img src="data:image/png;base64,{data}" width="700">' \
        "</body></html>"  # fmt: skip


def text_image(lines: list[str], size: tuple[int, int] = (1200, 400)) -> Any:
    """A picture of a few lines of text (PIL), as a scanner would see them."""
    from PIL import Image, ImageDraw, ImageFont

    picture = Image.new("L", size, "white")
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=28)
    for n, text in enumerate(lines):
        draw.text((40, 60 + 60 * n), text, fill="black", font=font)
    return picture


def image_pdf(pictures: list[Any], out: Path, dpi: int = 200) -> Path:
    """A PDF whose pages are only these pictures (no text layer), as a scanner writes one."""
    pictures[0].save(out, save_all=True, append_images=pictures[1:], resolution=dpi)
    return out


def scanned_copy(pdf: Path, out: Path, dpi: int = 200) -> Path:
    """A printed PDF as it comes back from a scanner: each page a greyscale picture of it."""
    import pypdfium2

    source = pypdfium2.PdfDocument(str(pdf))
    try:
        pictures = [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in source]
    finally:
        source.close()
    return image_pdf(pictures, out, dpi)


DELEGATIONS_TITLE = "East African health ministers meet in Arusha"
DELEGATIONS = [
    ("Kenya", "Dr Ann Mwangi, Cabinet Secretary for Health"),
    ("Uganda", "Mr Joseph Okello, Minister of State for Health"),
    ("Tanzania", "Ms Neema Mushi, Permanent Secretary"),
    ("Rwanda", "Dr Eric Habimana, Director General of the Biomedical Centre"),
]


def delegations_html() -> str:
    """A news article with a table of delegations (borders drawn, as most printed tables)."""
    rows = "".join(
        f"<tr><td>{html.escape(country)}</td><td>{html.escape(head)}</td></tr>"
        for country, head in DELEGATIONS
    )
    return _page(
        DELEGATIONS_TITLE,
        f"""
<h1>{DELEGATIONS_TITLE}</h1>
<p>ARUSHA, 3 March 2024 &mdash; Health ministers of the East African Community met in Arusha
on Monday to agree on a joint plan against cholera outbreaks.</p>
<p>Four delegations took part in the meeting, each led by a minister or a senior official.</p>
<table><tr><th>Country</th><th>Head of delegation</th></tr>{rows}</table>
<p>The meeting agreed to pool vaccine stocks and to share outbreak data within a day of a
confirmed case.</p>
""",
        "table { border-collapse: collapse; margin: 10px 0 } "
        "td, th { border: 1px solid black; padding: 4px 8px; text-align: left }",
    )


def write_docx(path: Path) -> Path:
    """Minutes of the forum as a Word file: a title, headings, paragraphs and a table, with
    the title and creation date in the document's properties."""
    import datetime as dt

    import docx

    document = docx.Document()
    document.core_properties.title = "Minutes of the Baltic Port Security Forum"
    document.core_properties.created = dt.datetime(2023, 5, 15, 9, 0, tzinfo=dt.UTC)
    document.add_heading("Minutes of the Baltic Port Security Forum", level=0)
    document.add_heading("Attendance", level=1)
    document.add_paragraph(
        "Forty-two delegates from eleven ports attended the forum, which was organised by the "
        "Port of Gdansk Authority."
    )
    document.add_heading("Sessions", level=1)
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Session", "Chair", "Room"], strict=True):
        cell.text = text
    for row in [
        ("Radar data sharing", "Commander Juris Ozols", "Hall B"),
        ("Customs cooperation", "Director Ewa Nowicka", "Hall C"),
        ("Closing session", "Deputy Mayor Piotr Grzelak", "Hall A"),
    ]:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.add_paragraph("The next forum will be held in Riga in May 2024.")
    document.save(str(path))
    return path


def encrypt(source: Path, out: Path) -> Path:
    """An encrypted copy of a PDF (AES-256, user password "forum"), written by qpdf."""
    qpdf = shutil.which("qpdf")
    assert qpdf, "qpdf is missing: run `scripts/ensure-qpdf`"
    subprocess.run([qpdf, "--encrypt", "forum", "owner", "256", "--", str(source), str(out)],
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    return out


def make_documents(folder: Path) -> dict[str, Path]:
    """Every document above, printed or written into folder; their paths by name."""
    folder.mkdir(parents=True, exist_ok=True)
    pages = folder / "html"
    pages.mkdir(exist_ok=True)
    made = {}
    for name, page, header_footer in [
        ("article", article_html(), True),
        ("long", long_html(), True),
        ("columns", columns_html(), True),
        ("scanned", scanned_html(), False),
    ]:
        source = pages / f"{name}.html"
        source.write_text(page, encoding="utf-8")
        made[name] = print_pdf(source, folder / f"{name}.pdf", header_footer=header_footer)
    made["encrypted"] = encrypt(made["article"], folder / "encrypted.pdf")
    whole = made["long"].read_bytes()
    made["truncated"] = folder / "truncated.pdf"
    made["truncated"].write_bytes(whole[: len(whole) // 2])
    made["minutes"] = write_docx(folder / "minutes.docx")
    return made
