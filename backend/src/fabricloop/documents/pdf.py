"""The check that an upload is a real PDF: pypdf parses its cross-reference table and page
tree (docs/decisions/documents-pdf.md). Synchronous and CPU-bound: callers run it in a
thread."""

from typing import IO

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from fabricloop.documents.errors import EncryptedDocument, InvalidDocument

# A certificate is a few pages; a page tree far larger is not one, and costs time to walk.
MAX_PAGES = 200
# The PDF header may follow up to 1 KiB of junk (ISO 32000-1, Annex H).
HEADER_WINDOW = 1024


def looks_like_pdf(head: bytes) -> bool:
    return b"%PDF-" in head[:HEADER_WINDOW]


def check(source: IO[bytes]) -> int:
    """The number of pages of a readable, unencrypted PDF; raises the documents' errors."""
    source.seek(0)
    try:
        reader = PdfReader(source, strict=False)
        if reader.is_encrypted:
            raise EncryptedDocument()
        count = len(reader.pages)
        if count == 0 or count > MAX_PAGES:
            raise InvalidDocument(
                f"A certificate document has 1 to {MAX_PAGES} pages; this one has {count}."
            )
        # Every page must resolve to a page object with a size: a broken page tree or
        # dangling references fail here, not when the reviewer opens the file.
        for page in reader.pages:
            if page.mediabox.width <= 0 or page.mediabox.height <= 0:
                raise InvalidDocument("A page of the PDF has no size.")
    except (EncryptedDocument, InvalidDocument):
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
        raise InvalidDocument() from error
    except RecursionError as error:  # a hostile, self-referencing page tree
        raise InvalidDocument() from error
    finally:
        source.seek(0)
    return count
