"""The keyed gate: one holder per key (or as many as it is made for), turns in arrival order,
other keys independent, a turn that takes too long refused without running the body, and
nothing kept once nobody holds or waits for a key."""

import asyncio

import pytest

from fabricloop.core.gate import KeyedGate


@pytest.mark.parametrize("holders", [1, 2, 3])
async def test_its_holders_at_once_in_arrival_order(holders: int) -> None:
    gate = KeyedGate(holders=holders)
    entered: list[int] = []
    inside = 0
    most_inside = 0
    all_in = asyncio.Event()

    async def buyer(number: int) -> None:
        nonlocal inside, most_inside
        async with gate.hold("listing", wait_seconds=5):
            inside += 1
            most_inside = max(most_inside, inside)
            entered.append(number)
            if number == holders - 1:
                all_in.set()  # the first `holders` are in together, none waiting for another
            await all_in.wait()
            await asyncio.sleep(0.001)
            inside -= 1

    tasks = []
    for number in range(20):
        tasks.append(asyncio.create_task(buyer(number)))
        await asyncio.sleep(0)  # each one arrives after the one before it
    async with asyncio.timeout(5):
        await asyncio.gather(*tasks)
    assert entered == list(range(20))
    assert most_inside == holders
    assert len(gate) == 0


def test_a_gate_lets_one_through_unless_told_more() -> None:
    assert KeyedGate().holders == 1
    with pytest.raises(ValueError, match="at least one holder"):
        KeyedGate(holders=0)


async def test_other_keys_do_not_wait() -> None:
    gate = KeyedGate()
    async with gate.hold("a", wait_seconds=5):
        async with asyncio.timeout(1):
            async with gate.hold("b", wait_seconds=5):
                assert len(gate) == 2
    assert len(gate) == 0


async def test_a_turn_too_long_in_coming_is_refused_and_leaves_nothing() -> None:
    gate = KeyedGate()
    ran = False
    async with gate.hold("listing", wait_seconds=5):
        with pytest.raises(TimeoutError):
            async with gate.hold("listing", wait_seconds=0.05):
                ran = True
        assert len(gate) == 1
    assert not ran
    assert len(gate) == 0
    # The key is free again for the next one.
    async with asyncio.timeout(1):
        async with gate.hold("listing", wait_seconds=0.05):
            pass


async def test_a_body_that_fails_gives_the_turn_on() -> None:
    gate = KeyedGate()
    with pytest.raises(RuntimeError):
        async with gate.hold("listing", wait_seconds=5):
            raise RuntimeError("the statement failed")
    async with asyncio.timeout(1):
        async with gate.hold("listing", wait_seconds=5):
            pass
    assert len(gate) == 0
