"""The transaction tests' parties serve the offers too."""

from tests.transactions.conftest import buyer, seller

__all__ = ["buyer", "seller"]
