"""The transaction state machine: which transitions exist, and who may make each."""

from enum import StrEnum


class Actor(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    # Payments, webhooks and the expiry job: never a user of the status endpoint.
    SYSTEM = "system"


TRANSITIONS: dict[tuple[str, str], frozenset[Actor]] = {
    ("pending", "paid"): frozenset({Actor.SYSTEM}),
    ("pending", "cancelled"): frozenset({Actor.BUYER, Actor.SELLER, Actor.SYSTEM}),
    # The seller cancels a paid order before shipping; the buyer is refunded in full.
    ("paid", "cancelled"): frozenset({Actor.SELLER, Actor.SYSTEM}),
    ("paid", "shipped"): frozenset({Actor.SELLER}),
    # The buyer confirms receipt, or the auto-complete job AUTO_COMPLETE_DAYS after shipping.
    ("shipped", "completed"): frozenset({Actor.BUYER, Actor.SYSTEM}),
}
PARTIES = frozenset({Actor.BUYER, Actor.SELLER})
# Transitions the other party can't make at all (not "the other party's to make"): a buyer
# cancelling a paid order gets 409, as before the seller could.
INVALID_FOR_OTHERS = frozenset({("paid", "cancelled")})


class Verdict(StrEnum):
    ALLOWED = "allowed"
    # The transition exists for a party, but for the other one.
    WRONG_PARTY = "wrong_party"
    # No such transition from the current status (for users: none they may make).
    INVALID = "invalid"


def judge(current: str, target: str, actor: Actor) -> Verdict:
    allowed = TRANSITIONS.get((current, target))
    if allowed is None:
        return Verdict.INVALID
    if actor in allowed:
        return Verdict.ALLOWED
    if actor in PARTIES and (not allowed & PARTIES or (current, target) in INVALID_FOR_OTHERS):
        return Verdict.INVALID
    return Verdict.WRONG_PARTY
