"""Where Loa publishes: every platform behind `Channel` (prepare is pure, publish is the side effect)."""

from loa.channels.base import (
    Channel,
    LimitError,
    MissingSecretError,
    Post,
    PublishError,
    Receipt,
    RejectedError,
    RetryableError,
    UnknownOutcomeError,
)

__all__ = [
    "Channel",
    "LimitError",
    "MissingSecretError",
    "Post",
    "PublishError",
    "Receipt",
    "RejectedError",
    "RetryableError",
    "UnknownOutcomeError",
]
