"""`make bench` reads wrk's output and judges its figures against the issue's targets;
these tests hold the reading and the verdicts (the figures themselves come from a run)."""

from io import StringIO

from articles.management.commands.bench import COLD_MODES, Command, parse_wrk

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8123/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms  800.00us  25.00ms   90.00%
    Req/Sec     1.90k   100.00     2.10k    70.00%
  Latency Distribution
     50%    1.95ms
     75%    2.30ms
     90%    2.80ms
     99%  850.00us
  38000 requests in 10.00s, 1.20GB read
  Non-2xx or 3xx responses: 3
Requests/sec:   3800.25
Transfer/sec:    120.00MB
"""


def test_wrk_output_is_read_into_rate_latencies_and_errors():
    assert parse_wrk(WRK_OUTPUT) == {"rps": 3800.2, "p50_ms": 1.95, "p99_ms": 0.85, "non_2xx": 3}


def run(rps, p99=5.0):
    return {"rps": rps, "p50_ms": 2.0, "p99_ms": p99, "non_2xx": 0}


def verdicts(*, cold_rps, bare_rps, warm_p99=5.0):
    article = "article detail (200 comments)"
    pages = {
        "home": {"warm": run(3000, warm_p99), **{mode: run(300) for mode in COLD_MODES}},
        article: {
            "warm": run(2500, warm_p99),
            "page cache off": run(cold_rps),
            "nothing cached": run(bare_rps),
        },
        "static file": {"warm": run(4000)},
    }
    results = {
        "machine": "test",
        "pages": pages,
        "queries": {mode: {"home": 5, article: 10} for mode in COLD_MODES},
        "comment_thread": {"comments": 200, "read_ms": 2.0, "render_ms": 1.5},
        "worker_peak_mb": 60.0,
    }
    command = Command(stdout=StringIO())
    command.options = {"connections": 8, "duration": 10, "workers": 4}
    command.options |= {"worker_class": "sync", "threads": 1}
    command.report(results)
    return results["targets_met"], command.stdout.getvalue()


def test_the_cold_rate_is_judged_with_nothing_cached_not_with_fragments_kept():
    met, printed = verdicts(cold_rps=250, bare_rps=120)
    assert met["cold article rate"] is False
    assert "cold article rate MISSED" in printed
    met, _ = verdicts(cold_rps=250, bare_rps=190)
    assert met["cold article rate"] is True


def test_a_slow_warm_percentile_misses_its_target_and_each_figure_is_printed():
    met, printed = verdicts(cold_rps=250, bare_rps=190, warm_p99=12.0)
    assert met["warm p99"] is False and met["warm ratio"] is True
    assert "thread of 200 comments, read and rendered afresh in one process: 3.5 ms" in printed
    assert "Peak memory per worker: 60.0 MB (target under 80 MB)" in printed
    assert "at least 4% of it (160 req/s here); measured 4.8% with nothing cached" in printed
