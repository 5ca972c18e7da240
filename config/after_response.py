"""Work that can wait until the reader has their page: e-mails, mainly.

A WSGI server calls the response's `close()` once it has sent the whole body (PEP 3333).
Work queued while a request is served runs then: a reader who posts a comment is sent on
while the worker talks to the mail server, and a slow or silent mail server costs the
worker its time, never the reader's wait. A graceful restart lets a worker finish the
request it is on, this work included.

Outside a request (a management command, a test once its request is over) the work runs
at once.
"""

import contextvars
import logging

logger = logging.getLogger(__name__)

_queued = contextvars.ContextVar("after_response_queue", default=None)


def after_response(work):
    """Call `work()` once the current response has gone out, or now outside a request."""
    queue = _queued.get()
    if queue is None:
        work()
    else:
        queue.append(work)


class AfterResponseMiddleware:
    """First in MIDDLEWARE, so that the response it sees is the one the server sends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queue = []
        token = _queued.set(queue)
        try:
            response = self.get_response(request)
        finally:
            _queued.reset(token)
        if queue:
            close = response.close

            def run_then_close():
                # Before Django's own close(), whose request_finished signal ends the
                # request's database connection: the work may still read a row.
                try:
                    for work in queue:
                        try:
                            work()
                        except Exception:
                            logger.exception("Work queued until after the response failed")
                finally:
                    close()

            response.close = run_then_close
        return response
