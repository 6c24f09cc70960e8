from fabricloop.core.errors import NotFound, PayloadTooLarge, Unprocessable, UnsupportedMediaType


class DocumentFileTooLarge(PayloadTooLarge):
    message = "The document is larger than 10 MB (10,485,760 bytes)."


class UnsupportedDocument(UnsupportedMediaType):
    message = "Only PDF documents and JPEG, PNG or WebP images are accepted."


class InvalidDocument(Unprocessable):
    code, message = "invalid_document", "The PDF is corrupt, truncated or has no pages."


class EncryptedDocument(Unprocessable):
    code, message = (
        "encrypted_document",
        "The PDF is encrypted; upload it without a password so it can be reviewed.",
    )


class DocumentNotFound(NotFound):
    message = "The document does not exist."
