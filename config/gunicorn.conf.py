"""gunicorn settings; each can be overridden with gunicorn's own environment variable
(GUNICORN_CMD_ARGS) or the ones read below."""

import ipaddress
import multiprocessing
import os
from pathlib import Path

import environ


class _EnvFile(environ.Env):
    # read_env fills this rather than os.environ: the workers inherit gunicorn's
    # environment, and their settings, which read .env themselves, would keep the values
    # of gunicorn's first start through every reload (HUP) instead of the file's own.
    ENVIRON = {}


# The same .env as Django's settings: HOST, PORT, WEB_CONCURRENCY and FORWARDED_ALLOW_IPS
# may be set there too (real environment variables still win).
_EnvFile.read_env(Path(__file__).resolve().parent.parent / ".env")
_environment = {**_EnvFile.ENVIRON, **os.environ}

host = _environment.get("HOST", "127.0.0.1")
# An IPv6 address (HOST=::) is written in brackets before its port.
bind = f"[{host.strip('[]')}]" if ":" in host else host
bind += f":{_environment.get('PORT', '8000')}"
# Sync workers, two per core, by measurement (README, "Why sync workers"): a page is a
# cache hit or a render that holds the GIL, so threads add nothing, and the second
# worker per core keeps the core busy while its pair waits on the database or SMTP.
workers = _environment.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2))
# 0 would start a server that takes connections and never answers them (nor /healthz),
# and a word would stop it with a bare "invalid literal for int()".
if not workers.strip().isdigit() or int(workers) < 1:
    raise ValueError(
        f"WEB_CONCURRENCY={workers!r}: write the number of workers in digits, 1 or more "
        "(or leave it out for two per core)."
    )
workers = int(workers)
worker_class = "sync"
timeout = 30
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound; rarely, since
# a restart costs a second of start-up during which that worker answers nobody (at 2,000
# the benchmark showed those pauses as p99 latencies near one second).
max_requests = 50_000
max_requests_jitter = 5_000
accesslog = "-"
errorlog = "-"


def _with_ipv4_mapped(entries):
    """A proxy on IPv4 reaches a server listening on :: (HOST=::) from ::ffff:127.0.0.1:
    the same proxy, trusted under either form (gunicorn compares them as written)."""
    allowed = []
    for entry in (entry.strip() for entry in entries.split(",") if entry.strip()):
        allowed.append(entry)
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue  # "*", or a mistake gunicorn itself will report
        if network.version == 4:
            allowed.append(f"::ffff:{network.network_address}/{96 + network.prefixlen}")
    return ",".join(allowed)  # gunicorn takes the list as one string


forwarded_allow_ips = _with_ipv4_mapped(_environment.get("FORWARDED_ALLOW_IPS", "127.0.0.1"))
# gunicorn's control socket is one path per user account: a second instance (another
# port, the benchmark, a test) takes it over and removes it for the others on exit, and a
# service account with no home logs an error at every start. Nothing here uses it.
control_socket_disable = True
