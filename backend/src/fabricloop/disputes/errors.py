from fabricloop.core.errors import Conflict, Forbidden, NotFound


class DisputeNotFound(NotFound):
    message = "The dispute does not exist."


class NotTheBuyer(Forbidden):
    message = "Only the buyer of this order can open a dispute."


class NotDisputable(Conflict):
    code, message = (
        "not_disputable",
        "Only a shipped or completed order can be disputed, within the dispute window.",
    )


class DisputeAlreadyOpen(Conflict):
    code, message = "dispute_already_open", "A dispute of this order is already open."


class DisputeResolved(Conflict):
    code, message = "dispute_resolved", "The dispute is resolved; its thread is closed."


class DisputeAlreadyResolved(Conflict):
    code, message = "dispute_resolved", "The dispute is already resolved."
