"""Test documents written byte by byte: PDFs (no PDF library writes text), e-mails, mboxes.

``make_pdf`` writes a valid PDF 1.4: one Helvetica font (WinAnsi, so curly quotes work),
a content stream per page drawing its lines top-down, an Info dictionary, and an exact
cross-reference table, which is what pypdf's reader needs.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(lines: Sequence[str]) -> bytes:
    ops = [b"BT /F1 11 Tf 14 TL 72 760 Td"]
    ops += [_pdf_string(line) + b" Tj T*" for line in lines]
    return b"\n".join([*ops, b"ET"])


def make_pdf(
    pages: Sequence[Sequence[str]], info: Mapping[str, str] | None = None, compress: bool = False
) -> bytes:
    """A PDF whose page N draws the lines ``pages[N - 1]``; ``info``: Title, Author,
    CreationDate ("D:20250225103000Z") and the like."""
    n = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n))
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, lines in enumerate(pages):
        content = _content(lines)
        if compress:
            content = zlib.compress(content)
        page = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>"
        )
        objects.append(page.encode())
        flate = b" /Filter /FlateDecode" if compress else b""
        head = b"<< /Length " + str(len(content)).encode() + flate + b" >>\nstream\n"
        objects.append(head + content + b"\nendstream")
    info_ref = b""
    if info:
        fields = b" ".join(b"/" + k.encode() + b" " + _pdf_string(v) for k, v in info.items())
        objects.append(b"<< " + fields + b" >>")
        info_ref = f" /Info {len(objects)} 0 R".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R".encode() + info_ref
    out += trailer + f" >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_email(
    subject: str,
    sender: str,
    body: str,
    *,
    date: str = "Tue, 25 Feb 2025 07:30:00 +0000",
    message_id: str = "",
    html: bool = False,
) -> bytes:
    """One RFC 5322 message, UTF-8 in quoted-printable (as newsletters send it)."""
    import quopri

    kind = "html" if html else "plain"
    headers = [
        f"From: {sender}",
        "To: reader@example.org",
        f"Subject: {subject}",
        f"Date: {date}",
        *([f"Message-ID: <{message_id}>"] if message_id else []),
        "MIME-Version: 1.0",
        f"Content-Type: text/{kind}; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
    ]
    encoded = quopri.encodestring(body.encode("utf-8")).decode("ascii")
    return ("\r\n".join(headers) + "\r\n\r\n" + encoded.replace("\n", "\r\n")).encode("ascii")


def make_mbox(messages: Sequence[bytes]) -> bytes:
    """Messages in one mbox: each after a ``From `` line, a blank line between them."""
    parts = []
    for message in messages:
        body = message.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")
        parts.append(b"From sender@example.org Tue Feb 25 07:30:00 2025\n" + body + b"\n")
    return b"\n".join(parts)
