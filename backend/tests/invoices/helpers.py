import io
import uuid

import pypdf

from tests.transactions.helpers import TRANSACTIONS


def invoice_url(transaction_id: uuid.UUID | str) -> str:
    return f"{TRANSACTIONS}/{transaction_id}/invoice.pdf"


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)
