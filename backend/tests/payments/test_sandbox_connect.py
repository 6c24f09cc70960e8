"""The sandbox gateway's Connect, refunds and 3-D Secure: the same interface as Stripe's."""

import uuid
from decimal import Decimal

import pytest

from fabricloop.payments.gateway import (
    ChargeRequest,
    RefundRefused,
    RefundRequest,
    TransferRequest,
    TransferReversalRequest,
)
from fabricloop.payments.sandbox import SandboxGateway

ORDER = uuid.uuid4()


def charge(method: str = "pm_card_visa", key: str = "k1") -> ChargeRequest:
    return ChargeRequest(ORDER, Decimal("20.00"), "EUR", method, key, "order")


async def test_refunds_never_exceed_the_charge_and_replay_by_key() -> None:
    sandbox = SandboxGateway()
    paid = await sandbox.charge(charge())
    assert paid.reference is not None
    first = await sandbox.refund(RefundRequest(ORDER, paid.reference, Decimal("15"), "EUR", "r1"))
    again = await sandbox.refund(RefundRequest(ORDER, paid.reference, Decimal("15"), "EUR", "r1"))
    assert first == again
    assert first.status == "succeeded"
    with pytest.raises(RefundRefused):
        await sandbox.refund(RefundRequest(ORDER, paid.reference, Decimal("5.01"), "EUR", "r2"))
    rest = await sandbox.refund(RefundRequest(ORDER, paid.reference, Decimal("5"), "EUR", "r3"))
    assert rest.reference != first.reference


async def test_a_failed_charge_cannot_be_refunded() -> None:
    sandbox = SandboxGateway()
    declined = await sandbox.charge(charge("pm_card_visa_chargeDeclined"))
    assert declined.reference is not None
    with pytest.raises(RefundRefused):
        await sandbox.refund(RefundRequest(ORDER, declined.reference, Decimal("1"), "EUR", "r"))


@pytest.mark.parametrize(("approve", "status"), [(True, "succeeded"), (False, "failed")])
async def test_three_d_secure(approve: bool, status: str) -> None:
    sandbox = SandboxGateway()
    pending = await sandbox.charge(charge("pm_card_authenticationRequired"))
    assert pending.status == "requires_action"
    assert pending.reference is not None
    result = sandbox.authenticate(pending.reference, approve)
    assert result.status == status
    assert (await sandbox.retrieve_intent(pending.reference)).status == status
    # The same request again answers the intent as it now is.
    assert (await sandbox.charge(charge("pm_card_authenticationRequired"))).status == status


async def test_cancel_intent() -> None:
    sandbox = SandboxGateway()
    pending = await sandbox.charge(charge("pm_card_authenticationRequired"))
    assert pending.reference is not None
    cancelled = await sandbox.cancel_intent(pending.reference)
    assert (cancelled.status, cancelled.decline_code) == ("failed", "payment_intent_canceled")
    paid = await sandbox.charge(charge(key="k2"))
    assert paid.reference is not None
    assert (await sandbox.cancel_intent(paid.reference)).status == "succeeded"
    unknown = await sandbox.retrieve_intent("pi_sandbox_unknown")
    assert unknown.decline_code == "payment_intent_canceled"


async def test_accounts_transfers_and_reversals() -> None:
    sandbox = SandboxGateway("http://app.test/")
    account = await sandbox.create_account(uuid.uuid4(), "s@example.com", "a1")
    assert account == await sandbox.create_account(uuid.uuid4(), "s@example.com", "a1")
    assert not (await sandbox.retrieve_account(account)).payouts_enabled
    link = await sandbox.account_link(account, "http://app.test/r", "http://app.test/payouts")
    assert link.startswith(f"http://app.test/sandbox/onboarding?account={account}&return_url=")
    sandbox.complete_onboarding(account)
    assert (await sandbox.retrieve_account(account)).payouts_enabled
    transfer = await sandbox.transfer(TransferRequest(ORDER, account, Decimal("10"), "EUR", "t1"))
    assert transfer == await sandbox.transfer(
        TransferRequest(ORDER, account, Decimal("10"), "EUR", "t1")
    )
    reversal = await sandbox.reverse_transfer(
        TransferReversalRequest(transfer, Decimal("4"), "EUR", "v1")
    )
    assert reversal.startswith("trr_sandbox_")
