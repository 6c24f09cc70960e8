import io

import segno


def qr_svg(url: str) -> bytes:
    """A QR code of `url` as a standalone SVG (error correction M, 4-module quiet zone)."""
    code = segno.make(url, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=4, border=4, title="Digital Product Passport")
    return buffer.getvalue()
