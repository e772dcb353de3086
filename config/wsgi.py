import os
import threading

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()


def _connect_broker() -> None:
    """Open this web process's connection to the broker now, beside the first request: the
    first task a process queues otherwise pays ~120 ms for imports and the connection (an
    operator's submit, which queues the receipt). A broker that is down changes nothing
    here: queueing reports it when a request needs it (``common.jobs.task_enqueue``)."""
    from config.celery import app  # after the WSGI application (and Django) is set up

    if app.conf.task_always_eager:
        return
    try:
        with app.producer_or_acquire() as producer:
            producer.connection.ensure_connection(max_retries=1)
            for queue in app.amqp.queues.values():
                producer.maybe_declare(queue)
        app.backend  # noqa: B018 - loads the result backend
    except Exception:  # noqa: BLE001, S110 - a warm-up only
        pass


threading.Thread(target=_connect_broker, name="broker-warm-up", daemon=True).start()
