"""Statements on the test server's maintenance database."""

from sqlalchemy.engine import make_url

from fabricloop.ops.pgtools import connect


async def admin(url: str, statement: str) -> None:
    connection = await connect(make_url(url).set(database="postgres").render_as_string(False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
