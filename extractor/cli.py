"""The ``nianbao`` command: parses arguments, calls the API, maps errors to exit codes.

The only module that prints or exits. Errors are one line: ``nianbao: <path>: <message>``.
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
import warnings
from pathlib import Path
from collections.abc import Callable
from typing import Annotated, NoReturn, Optional

import typer

from extractor.errors import BadArgsError, ExitCode, NianbaoError, OutputAccessError, RecordInvalidError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Chinese government information-disclosure annual reports to validated JSON.")

DEBUG = {"on": False}


def fail(where: str, exc: BaseException) -> int:
    """Print one line for an error and return its exit code; tracebacks only with --debug."""
    if DEBUG["on"]:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, NianbaoError):
        typer.echo(f"nianbao: {where}: {exc}", err=True)
        return int(exc.exit_code)
    if isinstance(exc, KeyboardInterrupt):
        typer.echo("nianbao: interrupted", err=True)
        return int(ExitCode.interrupted)
    typer.echo(f"nianbao: {where}: internal error: {type(exc).__name__}: {exc} (rerun with --debug)", err=True)
    return int(ExitCode.internal_error)


def finish(where: str, action: Callable[[], int]) -> NoReturn:
    """Run a command's body; any error becomes one line and its exit code."""
    try:
        code = action()
    except (NianbaoError, Exception) as exc:  # the one place that turns errors into exit codes
        code = fail(where, exc)
    raise typer.Exit(code)


@app.callback()
def main_options(debug: Annotated[bool, typer.Option("--debug", help="show tracebacks")] = False) -> None:
    DEBUG["on"] = debug
    if not debug:  # libraries' warnings (a corrupt EXIF block) would break the one-line-per-error rule
        warnings.simplefilter("ignore")


def _output_paths(inputs: list[Path], out_dir: Path) -> dict[Path, Path]:
    """DIR/<stem>.json per input; clashing stems get the input's extension too; never onto an input."""
    stems: dict[str, int] = {}
    for path in inputs:
        stems[path.stem] = stems.get(path.stem, 0) + 1
    targets = {}
    for path in inputs:
        name = f"{path.stem}.json" if stems[path.stem] == 1 else f"{path.name}.json"
        target = out_dir / name
        if target in targets.values():
            target = out_dir / f"{path.name}.{len(targets)}.json"
        if target.exists() and path.exists() and target.samefile(path):
            raise OutputAccessError(f"output {target} would overwrite an input")
        targets[path] = target
    return targets


def _settings(no_classify: bool, ocr_engine: str, timeout: float):
    from typing import get_args

    from extractor.settings import OcrEngineName, OcrSettings, Settings

    if ocr_engine not in get_args(OcrEngineName):
        raise BadArgsError(f"unknown --ocr-engine {ocr_engine!r}: use {' | '.join(get_args(OcrEngineName))}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise BadArgsError(f"--timeout must be a positive number of seconds, not {timeout:g}")
    return Settings(classify=not no_classify, ocr=OcrSettings(engine=ocr_engine))  # type: ignore[arg-type]


def _check_stdout() -> None:
    """Before any work: standard output must not be a device that refuses every write."""
    try:
        here, full = os.fstat(sys.stdout.fileno()), os.stat("/dev/full")
    except (OSError, ValueError):
        return
    if stat.S_ISCHR(here.st_mode) and here.st_rdev == full.st_rdev:
        raise OutputAccessError("standard output is /dev/full")


def _write_stdout(text: str) -> None:
    """Write and flush now, so a full disk or closed pipe is this file's exit 5, not a shutdown traceback."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise OutputAccessError(f"cannot write to standard output: {exc.strerror or exc}") from None


def _per_input(inputs: list[Path], out_dir: Optional[Path], render: Callable[[Path], str]) -> int:
    """Render each input to stdout (one input) or DIR/<stem>.json; one bad file never stops the others."""
    from extractor.output.jsonfile import check_dir, write_atomic

    if out_dir is None and len(inputs) > 1:
        raise BadArgsError("several inputs need --out-dir DIR (one JSON file each) or --out FILE.jsonl")
    if out_dir is None:
        _check_stdout()
    else:
        check_dir(out_dir)
    targets = _output_paths(inputs, out_dir) if out_dir else {}
    codes = []
    for path in inputs:
        try:
            text = render(path)
            if out_dir is None:
                _write_stdout(text)
            else:
                write_atomic(targets[path], text)
            codes.append(0)
        except (NianbaoError, Exception) as exc:
            codes.append(fail(str(path), exc))
    if len(inputs) == 1:
        return codes[0]
    return int(ExitCode.some_failed) if any(codes) else 0


def _extract_files(inputs: list[Path], out_dir: Optional[Path], settings, timeout: float) -> int:
    from extractor.api import extract
    from extractor.batch.work import FileTimeout, deadline
    from extractor.errors import EngineError
    from extractor.output.jsonfile import report_json

    def render(path: Path) -> str:
        try:
            with deadline(timeout):
                return report_json(extract(path, settings))
        except FileTimeout:
            raise EngineError(f"timed out after {timeout:g} s (--timeout)") from None

    return _per_input(inputs, out_dir, render)


def _extract_batch(inputs: list[Path], out: Optional[Path], settings, *, jobs: Optional[int], dask: Optional[str], timeout: float) -> int:
    from extractor.batch import run_batch

    if out is None:
        raise BadArgsError("a folder input needs --out FILE.jsonl")
    summary = run_batch(inputs, out, settings, jobs=jobs, dask=dask, timeout=timeout, progress=sys.stderr.isatty())
    for line in summary.lines():
        typer.echo(line, err=True)
    return int(summary.exit_code())


@app.command()
def extract(
    inputs: Annotated[list[Path], typer.Argument(help="report files (text, Markdown, HTML, MHTML, DOCX, DOC/RTF/ODT via LibreOffice, PDF, images)")],
    out_dir: Annotated[Optional[Path], typer.Option("--out-dir", help="write DIR/<input stem>.json per input")] = None,
    ocr_engine: Annotated[str, typer.Option("--ocr-engine", help="auto | rapidocr | tesseract")] = "auto",
    no_classify: Annotated[bool, typer.Option("--no-classify", help="skip the section-五 classifier")] = False,
    out: Annotated[Optional[Path], typer.Option("--out", help="batch: append one JSON line per input to FILE.jsonl (resumable)")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", help="batch: worker processes (default: all cores)")] = None,
    dask: Annotated[Optional[str], typer.Option("--dask", help="batch: run on a Dask scheduler, e.g. tcp://host:8786")] = None,
    timeout: Annotated[float, typer.Option("--timeout", help="seconds per file before it fails (batch: an error record)")] = 1800.0,
) -> None:
    """Extract one JSON record per report (folders or --out: a resumable batch to one JSONL file)."""

    def run() -> int:
        settings = _settings(no_classify, ocr_engine, timeout)
        if out is not None and out_dir is not None:
            raise BadArgsError("give either --out FILE.jsonl (one results file) or --out-dir DIR (one file per input), not both")
        if out is not None or any(path.is_dir() for path in inputs):
            return _extract_batch(inputs, out, settings, jobs=jobs, dask=dask, timeout=timeout)
        return _extract_files(inputs, out_dir, settings, timeout)

    finish("extract", run)


@app.command()
def validate(record: Annotated[Path, typer.Argument(help="a JSON record written by `nianbao extract`")]) -> None:
    """Re-check a record against the JSON Schema, the template, and its own cells and rules."""
    from pydantic import ValidationError

    from extractor.record import Report
    from extractor.template.verify import disagreements

    def run() -> int:
        try:
            report = Report.model_validate_json(record.read_bytes())
        except OSError as exc:
            raise BadArgsError(f"cannot read: {exc.strerror}") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise RecordInvalidError(f"not a valid record: {where}: {first['msg']} ({exc.error_count()} error(s))") from exc
        problems = list(disagreements(report))
        if problems:
            raise RecordInvalidError(f"inconsistent record: {problems[0]} (+{len(problems) - 1} more)")
        typer.echo(f"{record}: valid ({len(report.checks)} checks, {sum(not c.ok for c in report.checks)} failing)")
        return 0

    finish(str(record), run)


@app.command()
def schema(out: Annotated[Optional[Path], typer.Option("--out", help="write the schema here instead of stdout")] = None) -> None:
    """Print (or write) the JSON Schema of one record."""
    from extractor.output.jsonfile import write_atomic
    from extractor.record import json_schema

    def run() -> int:
        text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
        if out is None:
            _write_stdout(text)
        else:
            write_atomic(out, text)
        return 0

    finish("schema", run)


@app.command()
def load(
    results: Annotated[Path, typer.Argument(help="a results file written by `nianbao extract --out`")],
    db: Annotated[str, typer.Option("--db", help="sqlite:///FILE.db or postgresql://user@host/db")] = "sqlite:///reports.db",
) -> None:
    """Load a results file into SQLite or PostgreSQL (idempotent: loading twice changes nothing)."""
    from extractor.output.db import load as load_results

    def run() -> int:
        for line in load_results(results, db).lines_text():
            typer.echo(line, err=True)
        return 0

    finish(str(results), run)


@app.command()
def export(
    out_dir: Annotated[Path, typer.Argument(help="folder for one file per table")],
    db: Annotated[str, typer.Option("--db", help="database URL")] = "sqlite:///reports.db",
    fmt: Annotated[str, typer.Option("--format", help="parquet | csv | xlsx")] = "parquet",
) -> None:
    """Write every table of the database as Parquet, CSV or one Excel workbook, for pandas, R and spreadsheets."""
    from extractor.output.db import export as export_tables

    def run() -> int:
        for path in export_tables(db, fmt, out_dir):
            typer.echo(str(path))
        return 0

    finish("export", run)


@app.command()
def check(
    db: Annotated[str, typer.Option("--db", help="database URL")] = "sqlite:///reports.db",
    names: Annotated[Optional[Path], typer.Option("--names", help='JSON {"former_names": {old: new}} for agencies renamed')] = None,
) -> None:
    """Checks across each agency's years: carries of 表三 and 现行有效件数, duplicates, copied sections (one line each)."""
    from extractor.output.corpus_checks import check_database, former_names_file

    def run() -> int:
        findings = check_database(db, former_names_file(names))
        typer.echo("check\tagency\treport a\treport b\tdetail")
        for finding in findings:
            typer.echo(finding.line())
        typer.echo(f"{len(findings)} findings in {len({f.agency for f in findings})} agencies", err=True)
        return 0

    finish("check", run)


@app.command()
def train(
    data: Annotated[Path, typer.Option("--data", help="annotations folder (real/, items.jsonl, holdout.txt)")] = Path("annotations"),
    out_dir: Annotated[Path, typer.Option("--out-dir", help="model folder")] = Path("models/section5"),
    package_copy: Annotated[bool, typer.Option("--package-copy/--no-package-copy", help="also refresh extractor/data/models")] = True,
) -> None:
    """Rebuild the section-五 classifier from annotations/ and print the model card's figures."""
    from extractor.classify.train import train as run_training, write

    def run() -> int:
        result = run_training(data)
        typer.echo(result.report)
        for path in write(result, out_dir, package_copy):
            typer.echo(f"wrote {path}")
        return 0

    finish(str(data), run)


@app.command()
def classify(
    inputs: Annotated[list[Path], typer.Argument(help="section-五 text (.txt) or whole reports")],
    out_dir: Annotated[Optional[Path], typer.Option("--out-dir", help="write DIR/<input stem>.json per input")] = None,
    model: Annotated[Optional[Path], typer.Option("--model", help="model folder or model.npz file")] = None,
) -> None:
    """Tag section-五 items: writes {source, problems, improvements} like `extract`."""
    from extractor.settings import Settings

    settings = Settings(model_path=model)
    finish("classify", lambda: _per_input(inputs, out_dir, lambda path: _classified_json(path, settings)))


def _classified_json(path: Path, settings) -> str:
    """Problems and improvements of one input: text files are split here, reports go through extract."""
    if path.suffix.lower() in (".txt", ".md"):
        from extractor.classify.textinput import classify_file

        problems, improvements = classify_file(path, settings)
    else:
        from extractor.api import extract

        report = extract(path, settings)
        problems, improvements = report.problems, report.improvements
    payload = {
        "source": str(path),
        "problems": [p.model_dump() for p in problems],
        "improvements": [i.model_dump() for i in improvements],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


@app.command()
def review(
    results: Annotated[Optional[Path], typer.Argument(help="a results file written by `nianbao extract --out`")] = None,
    db: Annotated[Optional[str], typer.Option("--db", help="review the records in this database (or, with RESULTS, also write reviewed records into it)")] = None,
    decisions: Annotated[Path, typer.Option("--decisions", help="with --db alone: the audit trail's base name")] = Path("review"),
    host: Annotated[str, typer.Option("--host", help="address to listen on (loopback unless you give --token)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port to listen on")] = 8765,
    token: Annotated[Optional[str], typer.Option("--token", help="secret every request must carry")] = None,
    reviewer: Annotated[str, typer.Option("--reviewer", help="name recorded with each decision")] = "",
    export_to: Annotated[Optional[Path], typer.Option("--export-decisions", help="write the audit trail as CSV and exit")] = None,
    apply_from: Annotated[Optional[Path], typer.Option("--apply", help="replay a decisions CSV onto these results and exit")] = None,
) -> None:
    """Review flagged cells and unsure labels in a local web page; decisions go to a sidecar file."""
    from extractor.review.serve import check_exposure, export_decisions, replay, serve
    from extractor.review.session import ReviewSession

    def run() -> int:
        check_exposure(host, token)
        if results is None and db is None:
            raise BadArgsError("give a results file, or --db URL")
        session = ReviewSession(results or decisions, db, from_db=results is None)
        if export_to is not None or apply_from is not None:
            if apply_from is not None:
                typer.echo(replay(session, apply_from), err=True)
            if export_to is not None:
                typer.echo(export_decisions(session, export_to), err=True)
            return 0
        typer.echo(f"reviewing {len(session.queue)} entries at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
        serve(session, host, port, token, reviewer)
        return 0

    finish(str(results or db), run)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
