from fabricloop.core.errors import Conflict, Forbidden, NotFound


class NotASeller(Forbidden):
    message = "Payouts are for manufacturers (sellers)."


class AccountAlreadyEnabled(Conflict):
    code, message = "account_already_enabled", "Your payout account is already enabled."


class NoAccount(NotFound):
    message = "No payout account was started; start one first."


class SandboxOnly(NotFound):
    message = "This route exists only with the sandbox payment gateway."
