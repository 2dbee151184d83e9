"""Facts read at most once per request: several parts of one page ask for them
(its layout and its content), and the answer does not change within the request
unless the request itself changes it, in which case the writer calls ``forget``.
Outside a request (shell, worker, tests without a request) every call reads afresh."""

from contextvars import ContextVar

from django.core.signals import request_finished, request_started
from django.dispatch import receiver

#: {key: value} read during the current request; None outside a request.
_memo = ContextVar("request_memo", default=None)


def once(key, read):
    """``read()``'s value, called once per request for ``key``."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def forget(key):
    """The next ``once(key, ...)`` in this request reads again."""
    memo = _memo.get()
    if memo is not None:
        memo.pop(key, None)


@receiver(request_started)
def start(**_kwargs):
    _memo.set({})


@receiver(request_finished)
def end(**_kwargs):
    _memo.set(None)
