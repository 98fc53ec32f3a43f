"""Where a turn's time goes late in a long conversation: py-spy samples the Rasa server through the real
REST channel, with sessions unbounded (as before issue 14) and bounded (AHSCT_MAX_SESSION_TURNS, default 50).

Run by `make profile` (py-spy from PyPI, pinned, in .cache/profile). For each case it prints the median reply
of the first and the last turns and the functions holding the most of the sampled time in the last turns,
and writes the collapsed stacks to reports/profile-<case>.txt (for speedscope or flamegraph.pl).
"""
from __future__ import annotations

import collections
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.stack import running_stack  # noqa: E402
from settings import value  # noqa: E402

PY_SPY = ROOT / ".cache" / "profile" / "bin" / "py-spy"
TURNS, SAMPLED = 400, 100  # the last SAMPLED turns are profiled
QUESTIONS = ["what is AHSCT?", "what are the risks?", "is it approved?", "tell me more", "and in Scotland?"]
CASES = {"unbounded": {"AHSCT_MAX_SESSION_TURNS": "1000000"}, "bounded": {}}
# Functions worth naming: the rest of a stack is the event loop and the web server around them.
SHOWN = ("rasa/", "rasa_plugins/", "sqlalchemy/", "rasa_sdk/")
TOP = 12


def reply_ms(chat, sender: str, turn: int) -> float:
    started = time.perf_counter()
    chat.send(sender, QUESTIONS[turn % len(QUESTIONS)])
    return (time.perf_counter() - started) * 1000


def profile(case: str, env: dict, workdir: Path) -> None:
    rasa_env = {"AHSCT_RATE_LIMIT_MESSAGES": "1000000", **env}
    with running_stack(workdir / case, rasa_env=rasa_env) as stack:
        sender = f"profile-{case}"
        times = [reply_ms(stack.chat, sender, turn) for turn in range(TURNS - SAMPLED)]
        out = ROOT / "reports" / f"profile-{case}.txt"
        spy = subprocess.Popen([str(PY_SPY), "record", "--pid", str(stack.rasa.process.pid), "--format", "raw",
                                "--rate", "200", "--output", str(out), "--nonblocking"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2)  # py-spy attaches
        times += [reply_ms(stack.chat, sender, turn) for turn in range(TURNS - SAMPLED, TURNS)]
        spy.send_signal(2)  # SIGINT: py-spy writes its file and exits
        spy.wait(timeout=60)
    first, last = statistics.median(times[:50]), statistics.median(times[-50:])
    print(f"\n== {case} (AHSCT_MAX_SESSION_TURNS={env.get('AHSCT_MAX_SESSION_TURNS', value('AHSCT_MAX_SESSION_TURNS'))})")
    print(f"median reply, turns 1-50: {first:.0f} ms; turns {TURNS - 49}-{TURNS}: {last:.0f} ms")
    print(f"share of the sampled time in turns {TURNS - SAMPLED + 1}-{TURNS} (inclusive):")
    for name, share in top_functions(out):
        print(f"  {share:5.1%}  {name}")


def top_functions(collapsed: Path):
    """Inclusive share of samples per function, from py-spy's collapsed stacks ("a;b;c count" lines)."""
    totals: collections.Counter = collections.Counter()
    samples = 0
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples += int(count)
        for frame in set(stack.split(";")):
            if any(part in frame for part in SHOWN):
                totals[frame] += int(count)
    return [(name, count / samples) for name, count in totals.most_common(TOP)] if samples else []


def main() -> None:
    if not PY_SPY.exists():
        raise SystemExit(f"{PY_SPY} is missing: run `make profile`")
    (ROOT / "reports").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for case, env in CASES.items():
            profile(case, env, Path(scratch))


if __name__ == "__main__":
    main()
