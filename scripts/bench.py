"""Speed and memory of AHSCT Guide beside Rasa's stock starter bot, measured in one run.

Figures: training time, time to ready, server RSS, REST latency p50/p95 over a fixed
list of questions, in-process retrieval time per query, and (issue 14) the reply time of
turns 1-10, the last ten of the first session and turns 991-1,000 of one conversation, a visitor's p95 while four scripted
clients flood the server (our rate limit on), and the time to refuse (or read) a 10 MB body.
Writes reports/bench.json and reports/bench.md, and prints the table. Run with `make bench`.
"""
from __future__ import annotations

import json
import statistics
import threading
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actions.knowledge.base import shared_knowledge_base  # noqa: E402
from devtools.chat import RestChat  # noqa: E402
import requests  # noqa: E402

from devtools.servers import HOST, VENV_BIN, Server, action_server, free_port, quiet_env, rasa_server, write_endpoints  # noqa: E402
from devtools.starter_bot import init_starter_bot, starter_server  # noqa: E402
from settings import value  # noqa: E402

QUESTIONS = [
    "hello", "is any stem cell therapy approved for MS?", "is it FDA approved?", "what is AHSCT?",
    "how is it done?", "is it dangerous?", "who is it for?", "where are the trials?", "are you a bot?",
    "what does autologous haematopoietic stem cell transplantation mean", "do they use chemotherapy",
    "does it work for progressive ms", "what are the side effects", "is there a phase 3 trial",
    "what's the weather like", "thanks", "bye",
]
ROUNDS = 5
LONG_CONVERSATION = 1000
FLOODERS, FLOOD_VISITOR_ROUNDS, VISITOR_PAUSE_S = 4, 2, 0.3
BIG_BODY_BYTES = 10 * 2**20
# The latency and long-conversation figures measure the bot, not its rate limit (those messages come faster
# than a person types); the flood and the big body are measured with the limits as deployed.
NO_RATE_LIMIT = {"AHSCT_RATE_LIMIT_MESSAGES": "1000000"}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def timed(command, cwd):
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=quiet_env(), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def start_timed(*servers: Server) -> float:
    started = time.perf_counter()
    for server in servers:
        server.start()
    return time.perf_counter() - started


def rss_mb(*servers: Server) -> float:
    total = 0
    for server in servers:
        process = psutil.Process(server.process.pid)
        total += sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])
    return total / 2**20


def latencies_ms(url: str) -> list:
    chat, samples = RestChat(url), []
    for round_number in range(ROUNDS + 1):
        for index, question in enumerate(QUESTIONS):
            started = time.perf_counter()
            chat.send(f"bench-{round_number}-{index}", question)
            if round_number:  # round 0 warms up
                samples.append((time.perf_counter() - started) * 1000)
    return samples


def long_conversation_ms(url: str) -> dict:
    """One conversation of LONG_CONVERSATION turns: the median reply time of its first ten turns, of the last
    ten of its first session (AHSCT_MAX_SESSION_TURNS; the same place in a session as its last ten turns,
    1,000 being a multiple of it) and of its last ten turns."""
    chat, samples = RestChat(url), []
    for turn in range(LONG_CONVERSATION):
        started = time.perf_counter()
        chat.send("bench-long", QUESTIONS[turn % len(QUESTIONS)])
        samples.append((time.perf_counter() - started) * 1000)
    session = value("AHSCT_MAX_SESSION_TURNS")
    return dict(first_10=statistics.median(samples[:10]), session_end_10=statistics.median(samples[session - 10:session]),
                last_10=statistics.median(samples[-10:]), session_turns=session)


def flood(url: str, sender: str, stop: threading.Event) -> None:
    chat = RestChat(url)
    while not stop.is_set():
        chat.send(sender, "is it approved?")


def visitor_p95_under_flood_ms(url: str) -> float:
    """A visitor at a person's pace while FLOODERS clients each send as fast as the server answers."""
    stop = threading.Event()
    flooders = [threading.Thread(target=flood, args=(url, f"bench-flood-{n}", stop), daemon=True) for n in range(FLOODERS)]
    for thread in flooders:
        thread.start()
    chat, samples = RestChat(url), []
    try:
        for round_number in range(FLOOD_VISITOR_ROUNDS):
            for question in QUESTIONS:
                started = time.perf_counter()
                chat.send(f"bench-visitor-{round_number}", question)
                samples.append((time.perf_counter() - started) * 1000)
                time.sleep(VISITOR_PAUSE_S)
    finally:
        stop.set()
        for thread in flooders:
            thread.join(timeout=60)
    return percentile(samples, 0.95)


def big_body_s(url: str) -> dict:
    """How long the server takes over a 10 MB REST body, and the status it answers with."""
    body = json.dumps({"sender": "bench-big", "message": "x" * BIG_BODY_BYTES})
    started = time.perf_counter()
    try:
        status = requests.post(f"{url}/webhooks/rest/webhook", data=body, timeout=300,
                               headers={"Content-Type": "application/json"}).status_code
    except requests.ConnectionError:
        status = "connection closed"
    return dict(seconds=time.perf_counter() - started, status=status)


def under_abuse(url: str) -> dict:
    return dict(flood_p95_ms=visitor_p95_under_flood_ms(url), big_body=big_body_s(url))


def measure_ahsct(workdir: Path) -> dict:
    training_s = timed([str(VENV_BIN / "rasa"), "train", "--force", "--quiet", "--out", str(workdir / "models"),
                        "--fixed-model-name", "bench"], ROOT)
    actions_port = free_port()
    endpoints = write_endpoints(workdir / "endpoints.yml", actions_port, workdir / "bench.db")
    actions = action_server(actions_port, workdir)

    def ours(env=None) -> Server:
        return rasa_server(free_port(), endpoints, workdir, model=workdir / "models" / "bench.tar.gz", env=env)

    rasa = ours(NO_RATE_LIMIT)
    ready_s = start_timed(actions, rasa)
    try:
        try:
            url = rasa.health_url.rstrip("/")
            result = dict(training_s=training_s, ready_s=ready_s, latencies=latencies_ms(url),
                          long=long_conversation_ms(url), rss_rasa_mb=rss_mb(rasa), rss_actions_mb=rss_mb(actions))
        finally:
            rasa.stop()
        limited = ours().start()
        try:
            return {**result, **under_abuse(limited.health_url.rstrip("/"))}
        finally:
            limited.stop()
    finally:
        actions.stop()


def measure_starter(workdir: Path) -> dict:
    starter, port = workdir / "starter", free_port()
    training_s = init_starter_bot(starter)
    rasa = starter_server(starter, port, workdir)
    ready_s = start_timed(rasa)
    try:
        url = f"http://{HOST}:{port}"
        result = dict(training_s=training_s, ready_s=ready_s, latencies=latencies_ms(url),
                      long=long_conversation_ms(url), rss_rasa_mb=rss_mb(rasa))
        return {**result, **under_abuse(url)}
    finally:
        rasa.stop()


def retrieval_ms() -> dict:
    knowledge = shared_knowledge_base()
    knowledge.index.search("warm up")
    samples = []
    for _ in range(20):
        for question in QUESTIONS:
            started = time.perf_counter()
            knowledge.index.search(question)
            samples.append((time.perf_counter() - started) * 1000)
    return dict(p50=statistics.median(samples), p95=percentile(samples, 0.95), queries=len(samples))


def table(ours: dict, starter: dict, retrieval: dict) -> str:
    def row(name, key, unit, fmt="{:.1f}"):
        a, b = ours[key], starter[key]
        return f"| {name} | {fmt.format(a)} {unit} | {fmt.format(b)} {unit} | {a / b:.2f}× |"

    for result in (ours, starter):
        result["p50_ms"] = statistics.median(result["latencies"])
        result["p95_ms"] = percentile(result["latencies"], 0.95)
    return "\n".join([
        "| figure | AHSCT Guide | starter bot | ratio |", "|---|---|---|---|",
        row("training time", "training_s", "s"),
        row("time to ready", "ready_s", "s"),
        row("Rasa server RSS", "rss_rasa_mb", "MiB", "{:.0f}"),
        row("REST latency p50", "p50_ms", "ms"),
        row("REST latency p95", "p95_ms", "ms"),
        f"| action server RSS | {ours['rss_actions_mb']:.0f} MiB | (none) | |",
        *abuse_rows(ours, starter),
        f"| retrieval per query p50 / p95 | {retrieval['p50']:.2f} / {retrieval['p95']:.2f} ms | (none) | |",
        "",
        f"{len(ours['latencies'])} REST messages per bot ({len(QUESTIONS)} questions × {ROUNDS} rounds, after one "
        f"warm-up round); {retrieval['queries']} retrieval queries. Machine: {psutil.cpu_count()} cores.",
    ])


def abuse_rows(ours: dict, starter: dict) -> list:
    def pair(result):
        return long_turns(result["long"])

    session = ours["long"]["session_turns"]

    def body(result):
        return f"{result['big_body']['seconds']:.2f} s ({result['big_body']['status']})"

    return [
        f"| reply time, turns 1-10 / {session - 9}-{session} / {LONG_CONVERSATION - 9}-{LONG_CONVERSATION} of one "
        "conversation | "
        f"{pair(ours)} | {pair(starter)} | |",
        f"| a visitor's p95 while {FLOODERS} clients flood | {ours['flood_p95_ms']:.1f} ms | "
        f"{starter['flood_p95_ms']:.1f} ms | {ours['flood_p95_ms'] / starter['flood_p95_ms']:.2f}× |",
        f"| a 10 MB REST body | {body(ours)} | {body(starter)} | |",
    ]


def long_turns(long: dict) -> str:
    return f"{long['first_10']:.1f} / {long['session_end_10']:.1f} / {long['last_10']:.1f} ms"


def long_conversation_only() -> None:
    """`make bench-long`: only the long conversation of AHSCT Guide, as deployed (a few minutes, not 40)."""
    from devtools.stack import running_stack

    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp), rasa_env=NO_RATE_LIMIT) as stack:
        long = long_conversation_ms(stack.url)
    session = long["session_turns"]
    print(f"reply time (median), turns 1-10 / {session - 9}-{session} / {LONG_CONVERSATION - 9}-{LONG_CONVERSATION} "
          f"of one conversation: {long_turns(long)} "
          f"(AHSCT_MAX_SESSION_TURNS={session})")


def main() -> None:
    if sys.argv[1:] == ["long"]:
        return long_conversation_only()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        ours, starter = measure_ahsct(workdir), measure_starter(workdir)
    retrieval = retrieval_ms()
    markdown = table(ours, starter, retrieval)
    reports = ROOT / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "bench.md").write_text(markdown + "\n")
    (reports / "bench.json").write_text(json.dumps(dict(ahsct=ours, starter=starter, retrieval=retrieval), indent=1))
    print(markdown)


if __name__ == "__main__":
    main()
