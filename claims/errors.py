"""Domain errors: each carries a message a user can act on. One handler maps them to HTTP
(factcheck/exceptions.py for the API); the web UI shows the message on the form."""


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class InvalidInput(DomainError):
    status_code = 400
    code = "invalid"


class PayloadTooLarge(DomainError):
    status_code = 413
    code = "payload_too_large"


class NotAllowed(DomainError):
    status_code = 403
    code = "permission_denied"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class Unprocessable(DomainError):
    status_code = 422
    code = "unprocessable"


class ServiceUnavailable(DomainError):
    status_code = 503
    code = "service_unavailable"
