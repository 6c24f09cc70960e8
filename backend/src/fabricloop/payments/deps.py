"""The payment gateway the app started with, for the payment routes."""

from typing import Annotated

from fastapi import Depends, Request

from fabricloop.payments.gateway import PaymentGateway


async def get_gateway(request: Request) -> PaymentGateway:
    gateway: PaymentGateway = request.app.state.payment_gateway
    return gateway


AppGateway = Annotated[PaymentGateway, Depends(get_gateway)]
