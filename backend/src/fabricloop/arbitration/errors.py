from fabricloop.core.errors import Conflict


class CardDispute(Conflict):
    code, message = (
        "card_dispute",
        "A card dispute is decided by the card issuer; its outcome arrives from the payment "
        "provider.",
    )
