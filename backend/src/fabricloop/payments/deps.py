"""The payment gateway the app started with, for the payment routes."""

from typing import Annotated

from fastapi import Depends, Request

from fabricloop.payments.gateway import PaymentGateway


def gateway_of(request: Request) -> PaymentGateway:
    """The gateway, read off the app without a dependency of its own (as `settings_of`)."""
    gateway: PaymentGateway = request.app.state.payment_gateway
    return gateway


async def get_gateway(request: Request) -> PaymentGateway:
    return gateway_of(request)


AppGateway = Annotated[PaymentGateway, Depends(get_gateway)]
