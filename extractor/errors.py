"""Deliberate errors and exit codes: every stage raises these; only the CLI turns them into exits."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    internal_error = 1
    bad_args = 2
    input_file = 3
    encrypted_input = 4
    output_access = 5
    missing_dependency = 6
    engine_failed = 7
    bad_data = 8
    invalid_record = 9
    some_failed = 10
    interrupted = 130


class NianbaoError(Exception):
    """Base of every error a user may see; ``str(e)`` is the one line shown."""

    exit_code: ExitCode = ExitCode.internal_error
    hint: str | None = None

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message} ({self.hint})" if self.hint else message


class BadArgsError(NianbaoError):
    exit_code = ExitCode.bad_args


class InputFileError(NianbaoError):
    exit_code = ExitCode.input_file


class EncryptedInputError(InputFileError):
    exit_code = ExitCode.encrypted_input


class OutputAccessError(NianbaoError):
    exit_code = ExitCode.output_access


class MissingDependencyError(NianbaoError):
    exit_code = ExitCode.missing_dependency

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class EngineError(NianbaoError):
    exit_code = ExitCode.engine_failed


class DataError(NianbaoError):
    exit_code = ExitCode.bad_data


class RecordInvalidError(NianbaoError):
    exit_code = ExitCode.invalid_record
