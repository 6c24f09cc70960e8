import uuid
from decimal import Decimal

import pytest

from fabricloop.payments.gateway import ChargeRequest, InvalidPaymentMethod
from fabricloop.payments.sandbox import DECLINING, SUCCEEDING, SandboxGateway
from fabricloop.payments.schemas import PaymentCreate
from fabricloop.payments.service import fingerprint


def request(method: str, key: str = "fabricloop-x-1") -> ChargeRequest:
    return ChargeRequest(
        transaction_id=uuid.uuid4(),
        amount=Decimal("10.00"),
        currency="EUR",
        payment_method=method,
        idempotency_key=key,
        description="test",
    )


class TestSandbox:
    @pytest.mark.parametrize("method", sorted(SUCCEEDING))
    async def test_succeeding_methods(self, method: str) -> None:
        result = await SandboxGateway().charge(request(method))
        assert result.status == "succeeded"
        assert (result.amount, result.currency) == (Decimal("10.00"), "EUR")

    @pytest.mark.parametrize(("method", "expected"), sorted(DECLINING.items()))
    async def test_declining_methods(self, method: str, expected: tuple[str, str]) -> None:
        result = await SandboxGateway().charge(request(method))
        assert (result.status, result.decline_code, result.message) == ("failed", *expected)

    async def test_api_md_decline_codes(self) -> None:
        assert DECLINING["pm_card_visa_chargeDeclined"][0] == "generic_decline"
        assert DECLINING["pm_card_visa_chargeDeclinedInsufficientFunds"][0] == "insufficient_funds"
        assert DECLINING["pm_card_chargeDeclinedExpiredCard"][0] == "expired_card"

    async def test_authentication_required(self) -> None:
        result = await SandboxGateway().charge(request("pm_card_authenticationRequired"))
        assert result.status == "requires_action"
        assert result.client_secret

    async def test_same_key_same_intent(self) -> None:
        gateway = SandboxGateway()
        first = await gateway.charge(request("pm_card_visa", "k1"))
        again = await gateway.charge(request("pm_card_visa", "k1"))
        other = await gateway.charge(request("pm_card_visa", "k2"))
        assert first.reference == again.reference != other.reference

    @pytest.mark.parametrize("method", ["pm_card_unknown", "pm_card_visa ", "pm_CARD_VISA"])
    async def test_unknown_method(self, method: str) -> None:
        with pytest.raises(InvalidPaymentMethod):
            await SandboxGateway().charge(request(method))

    async def test_check_and_close(self) -> None:
        gateway = SandboxGateway()
        await gateway.check()
        await gateway.aclose()
        assert gateway.name == "sandbox"


class TestFingerprint:
    def test_depends_on_every_field(self) -> None:
        transaction_id = uuid.uuid4()
        base = PaymentCreate(transaction_id=transaction_id, payment_method="pm_card_visa")
        same = PaymentCreate(transaction_id=transaction_id, payment_method="pm_card_visa")
        other_method = PaymentCreate(transaction_id=transaction_id, payment_method="pm_card_amex")
        other_order = PaymentCreate(transaction_id=uuid.uuid4(), payment_method="pm_card_visa")
        assert fingerprint(base) == fingerprint(same)
        assert len({fingerprint(base), fingerprint(other_method), fingerprint(other_order)}) == 3
