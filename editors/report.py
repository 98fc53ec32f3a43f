"""`make report`: what visitors asked that the bot could not answer, answers rated not helpful, and the
most asked topics, over a chosen period, read from the tracker store (SQLite or PostgreSQL).

Writes report.md, questions.csv and questions-per-topic.png. E-mail addresses and phone numbers are
redacted from everything visitors wrote.
"""
from __future__ import annotations

import argparse
import collections
import csv
import datetime
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import sqlalchemy

from actions.knowledge.topics import topic_asked_by
from safety.redaction import redact
from safety.visitor_input import without_control_characters
import settings

DEFAULT_DAYS = 28
# Replies that mean "I could not answer that from my sources".
NOT_ANSWERED = {"utter_not_in_sources", "utter_default", "utter_out_of_scope", "utter_did_you_mean"}
RATING_INTENTS = {"rate_helpful": "helpful", "rate_not_helpful": "not helpful"}
# The widget's unseen opening message is not a question.
SILENT_PAYLOADS = {"/greet"}


@dataclass
class Question:
    conversation: str
    asked_at: datetime.datetime
    text: str
    intent: str
    replies: List[str] = field(default_factory=list)

    @property
    def topic(self) -> str:
        """The corpus topic asked about (content/topics.yml); a conversation act or small talk by its intent."""
        return topic_asked_by(self.intent) or self.intent

    @property
    def answered(self) -> bool:
        return not NOT_ANSWERED.intersection(self.replies) and self.intent != "nlu_fallback"


@dataclass
class Rating:
    conversation: str
    rated_at: datetime.datetime
    verdict: str
    answer: str
    question: str


@dataclass
class Activity:
    questions: List[Question] = field(default_factory=list)
    ratings: List[Rating] = field(default_factory=list)


def read_activity(db_url: str, since: datetime.datetime, until: datetime.datetime) -> Activity:
    engine = sqlalchemy.create_engine(db_url)
    query = sqlalchemy.text(
        "SELECT sender_id, type_name, timestamp, intent_name, data FROM events "
        "WHERE timestamp >= :since AND timestamp < :until AND type_name IN ('user', 'bot') ORDER BY sender_id, id"
    )
    with engine.connect() as connection:
        rows = connection.execute(query, {"since": since.timestamp(), "until": until.timestamp()}).fetchall()
    engine.dispose()
    return activity_from_events(rows)


def activity_from_events(rows: Iterable) -> Activity:
    activity, last_question = Activity(), {}
    current: Optional[Question] = None
    for sender, kind, timestamp, intent, data in rows:
        event = json.loads(data)
        conversation = hashlib.sha256(sender.encode()).hexdigest()[:10]  # enough to group, not to identify
        when = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)
        if kind == "bot":
            if current is not None and current.conversation == conversation:
                current.replies.append((event.get("metadata") or {}).get("utter_action", ""))
            continue
        text = event.get("text") or ""
        current = None
        if intent in RATING_INTENTS:
            answer = next((e.get("value", "") for e in event.get("parse_data", {}).get("entities", [])
                           if e.get("entity") == "rated_answer"), "")
            activity.ratings.append(Rating(conversation, when, RATING_INTENTS[intent], readable(str(answer)),
                                           last_question.get(conversation, "")))
        elif text not in SILENT_PAYLOADS:
            current = Question(conversation, when, readable(text), intent or "")
            activity.questions.append(current)
            last_question[conversation] = current.text
    return activity


def readable(text: str) -> str:
    """Visitor text as the report shows it: no contact details, no control characters (older stores may hold
    them, from before the channels removed them)."""
    return redact(without_control_characters(text))


def write_report(activity: Activity, since: datetime.datetime, until: datetime.datetime, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    write_questions_csv(activity.questions, out / "questions.csv")
    chart = write_chart(activity.questions, out / "questions-per-topic.png")
    report = out / "report.md"
    report.write_text(markdown_report(activity, since, until, chart.name if chart else None), encoding="utf-8")
    return report


def write_questions_csv(questions: List[Question], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["asked_at", "conversation", "question", "topic", "answered"])
        for q in questions:
            writer.writerow([q.asked_at.isoformat(timespec="seconds"), q.conversation, q.text, q.topic,
                             "yes" if q.answered else "no"])


def markdown_report(activity: Activity, since, until, chart_name: Optional[str]) -> str:
    questions = activity.questions
    unanswered = [q for q in questions if not q.answered]
    not_helpful = [r for r in activity.ratings if r.verdict == "not helpful"]
    topics = collections.Counter(q.topic for q in questions)
    lines = [
        "# What visitors asked",
        "",
        f"Period: {since:%Y-%m-%d} to {until:%Y-%m-%d} (UTC). E-mail addresses and phone numbers are redacted.",
        "",
        f"- questions: **{len(questions)}** in {len({q.conversation for q in questions})} conversations",
        f"- not answered from the sources: **{len(unanswered)}**",
        f"- answers rated: {len(activity.ratings)}, of them not helpful: **{len(not_helpful)}**",
        "",
        "## Questions the bot could not answer",
        "",
        *table(["asked", "question", "understood as"], [[f"{q.asked_at:%Y-%m-%d}", q.text, q.topic] for q in unanswered]),
        "",
        "## Answers rated not helpful",
        "",
        *table(["rated", "question", "answer (start)"],
               [[f"{r.rated_at:%Y-%m-%d}", r.question, r.answer[:160]] for r in not_helpful]),
        "",
        "## Most asked topics",
        "",
        *table(["topic", "questions"], [[topic, str(count)] for topic, count in topics.most_common()]),
        "",
    ]
    if chart_name:
        lines += ["## Questions per topic per week", "", f"![Questions per topic per week]({chart_name})", ""]
    return "\n".join(lines)


def table(header: List[str], rows: List[List[str]]) -> List[str]:
    if not rows:
        return ["None in this period."]
    cell = lambda text: str(text).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + [
        "| " + " | ".join(cell(value) for value in row) + " |" for row in rows
    ]


def week_of(moment: datetime.datetime) -> datetime.date:
    day = moment.date()
    return day - datetime.timedelta(days=day.weekday())


def write_chart(questions: List[Question], path: Path) -> Optional[Path]:
    if not questions:
        return None
    import matplotlib

    matplotlib.use("Agg")  # no screen
    import matplotlib.pyplot as plt

    weeks = sorted({week_of(q.asked_at) for q in questions})
    counts: Dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for q in questions:
        counts[q.topic][week_of(q.asked_at)] += 1
    figure, axes = plt.subplots(figsize=(9, 5))
    bottom = [0] * len(weeks)
    labels = [f"{week:%d %b %Y}" for week in weeks]
    for topic, by_week in sorted(counts.items(), key=lambda item: -sum(item[1].values())):
        heights = [by_week[week] for week in weeks]
        axes.bar(labels, heights, bottom=bottom, label=topic)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set_title("Questions per topic per week")
    axes.set_xlabel("week starting")
    axes.set_ylabel("questions")
    axes.legend(fontsize="small", bbox_to_anchor=(1.02, 1), loc="upper left")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def parse_day(text: str) -> datetime.datetime:
    return datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time(), datetime.timezone.utc)


def tracker_db_url() -> str:
    """TRACKER_DB_URL; a relative SQLite path is the Rasa server's, which runs in the project root."""
    url = str(settings.value("TRACKER_DB_URL"))
    relative = url.startswith("sqlite:///") and not url.startswith("sqlite:////")
    return f"sqlite:///{settings.PROJECT_ROOT / url[len('sqlite:///'):]}" if relative else url


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Report what visitors asked, from the tracker store.")
    parser.add_argument("--db", default=tracker_db_url(),
                        help="SQLAlchemy URL of the tracker store (default: TRACKER_DB_URL or var/conversations.db)")
    parser.add_argument("--since", type=parse_day, help=f"first day, YYYY-MM-DD (default: {DEFAULT_DAYS} days ago)")
    parser.add_argument("--until", type=parse_day, help="day after the last one, YYYY-MM-DD (default: now)")
    parser.add_argument("--out", type=Path, default=settings.PROJECT_ROOT / "reports" / "visitors")
    args = parser.parse_args(argv)
    until = args.until or datetime.datetime.now(datetime.timezone.utc)
    since = args.since or until - datetime.timedelta(days=DEFAULT_DAYS)
    report = write_report(read_activity(args.db, since, until), since, until, args.out)
    print(f"Wrote {report} (with questions.csv and the chart beside it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
