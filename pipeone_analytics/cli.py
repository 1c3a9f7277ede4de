"""The `pipeone` command: parses arguments and calls the modules; user errors are one line, exit 2."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from .config import load_settings
from .errors import PipeOneError


def _settings(args: argparse.Namespace):
    overrides = {}
    if getattr(args, "db", None):
        overrides["db_path"] = args.db
    if getattr(args, "timezone", None):
        overrides["timezone"] = args.timezone
    if getattr(args, "locale", None):
        overrides["locale"] = args.locale
    return load_settings(**overrides)


def _store(args: argparse.Namespace):
    from .store import Store

    settings = _settings(args)
    return Store(settings.db_path, settings)


def cmd_generate(args: argparse.Namespace) -> int:
    from . import synth

    counts = synth.generate(Path(args.out), contacts=args.contacts, days=args.days, seed=args.seed,
                            fmt=args.format, end=args.end, settings=_settings(args), progress=True)
    for table, n in counts.items():
        print(f"{table:<14}{n:>12,}")
    print(f"wrote {args.out}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from .ingest import import_path

    store = _store(args)
    result = import_path(store, Path(args.path), fmt=args.format, timezone=args.timezone,
                         options={k: v for k, v in vars(args).items()
                                  if k in ("agent_name", "company_number", "gap_days", "date_order")
                                  and v not in (None, [])})
    print(result.summary())
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .exports import export

    n = export(_store(args), args.kind, Path(args.out), as_of=args.as_of, by=args.by)
    print(f"wrote {n:,} rows to {args.out}")
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    from .ops.outbox import export_outbox
    from .ops.permissions import acting_user

    store = _store(args)
    n = export_outbox(store, acting_user(store), Path(args.out))
    print(f"exported {n:,} queued messages to {args.out}" if n else "the outbox has no queued messages")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from . import reports

    return reports.cli(args, _settings(args))


def cmd_serve(args: argparse.Namespace) -> int:
    from .ui.serve import serve

    return serve(_settings(args), port=args.port, open_browser=False)


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(_settings(args), contacts=args.contacts, days=args.days, seed=args.seed)


def cmd_bench(args: argparse.Namespace, extra: list[str]) -> int:
    import runpy

    script = Path(args.benchmarks) / f"bench_{args.name.replace('-', '_')}.py"
    if not script.exists():
        available = sorted(p.stem[6:] for p in Path(args.benchmarks).glob("bench_*.py"))
        raise PipeOneError(f"no benchmark '{args.name}' in {args.benchmarks}; "
                           f"available: {', '.join(available) or 'none'}")
    sys.argv = [str(script), *extra]
    runpy.run_path(str(script), run_name="__main__")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    p = argparse.ArgumentParser(prog="pipeone", description="PipeOne Analytics")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser, nested: bool = False) -> None:
        # nested: a leaf under a parser that has them too; it must not reset what the parent read
        extra = {"default": argparse.SUPPRESS} if nested else {}
        sp.add_argument("--db", help="DuckDB file (default from pipeone.toml: data/pipeone.duckdb)", **extra)
        sp.add_argument("--timezone", help="account timezone, e.g. America/Sao_Paulo", **extra)
        sp.add_argument("--locale", choices=["pt_BR", "en"], **extra)

    g = sub.add_parser("generate", help="write a synthetic PipeOne export")
    common(g)
    g.add_argument("out")
    g.add_argument("--contacts", type=int, default=2000)
    g.add_argument("--days", type=int, default=90)
    g.add_argument("--seed", type=int, default=7)
    g.add_argument("--format", choices=["csv", "parquet"], default="csv")
    g.add_argument("--end", help="last day of the data (YYYY-MM-DD); default: yesterday")
    g.set_defaults(func=cmd_generate)

    i = sub.add_parser("import", help="import an export folder, .zip or chat file")
    common(i)
    i.add_argument("path")
    i.add_argument("--format", choices=["canonical", "whatsapp", "twilio", "twcs", "twitter-care"])
    i.add_argument("--agent-name", action="append", default=[], help="WhatsApp: a participant who is the company")
    i.add_argument("--company-number", action="append", default=[], help="Twilio: a company phone number")
    i.add_argument("--gap-days", type=float, help="WhatsApp and Twilio: inactivity gap (days) that splits conversations")
    i.add_argument("--date-order", choices=["dmy", "mdy", "ymd"], help="WhatsApp: date order when ambiguous")
    i.set_defaults(func=cmd_import)

    e = sub.add_parser("export", help="export one row per entity to .csv, .parquet or .jsonl")
    common(e)
    e.add_argument("kind")
    e.add_argument("--out", required=True)
    e.add_argument("--as-of")
    e.add_argument("--by", help="response-times: agent, channel, category, team, day")
    e.set_defaults(func=cmd_export)

    o = sub.add_parser("outbox", help="hand queued messages to a gateway as JSONL (acting user: a manager)")
    osub = o.add_subparsers(dest="outbox_command", required=True)
    oe = osub.add_parser("export")
    common(oe)
    oe.add_argument("--out", required=True, help="a new .jsonl file")
    o.set_defaults(func=cmd_outbox)

    r = sub.add_parser("report", help="run, schedule and list reports")
    common(r)
    rsub = r.add_subparsers(dest="report_command", required=True)
    rr = rsub.add_parser("run")
    common(rr, nested=True)
    rr.add_argument("name")
    rr.add_argument("-p", "--param", action="append", default=[], metavar="KEY=VALUE")
    rd = rsub.add_parser("due")
    common(rd, nested=True)
    rd.add_argument("--now", help="pretend the clock reads this ISO time (testing and catch-up)")
    rd.add_argument("--schedule", default="reports.toml")
    common(rsub.add_parser("list"), nested=True)
    r.set_defaults(func=cmd_report)

    s = sub.add_parser("serve", help="start the Voila apps on 127.0.0.1")
    common(s)
    s.add_argument("--port", type=int, default=8866)
    s.set_defaults(func=cmd_serve)

    d = sub.add_parser("demo", help="generate, import, render the reports and say where they are")
    common(d)
    d.add_argument("--contacts", type=int, default=2000)
    d.add_argument("--days", type=int, default=90)
    d.add_argument("--seed", type=int, default=7)
    d.set_defaults(func=cmd_demo)

    b = sub.add_parser("bench", help="run a benchmark from benchmarks/ (extra options go to it)")
    b.add_argument("name")
    b.add_argument("--benchmarks", default="benchmarks")
    b.set_defaults(func=None)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args, extra = parser().parse_known_args(argv)
    try:
        if args.command == "bench":
            return cmd_bench(args, extra)
        if extra:
            parser().error(f"unrecognized arguments: {' '.join(extra)}")
        return args.func(args)
    except PipeOneError as exc:
        print(f"pipeone: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pipeone: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
