"""The `fabricloop` command, run as a separate process like an operator would."""

import json
import os
import subprocess
import sys
from pathlib import Path

from fabricloop.config import Settings


def run(args: list[str], tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var"), "ENV": "test", **environment}
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "fabricloop.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_openapi_prints_the_schema(tmp_path: Path, settings: Settings) -> None:
    assert settings.redis_url is not None
    result = run(["openapi"], tmp_path, REDIS_URL=settings.redis_url)
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["openapi"].startswith("3.")
    assert "/api/auth/register" in schema["paths"]
    upload = schema["paths"]["/api/images"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"201", "401", "413", "415", "422"} <= set(upload["responses"])


def test_migrate_check_passes(tmp_path: Path, settings: Settings, migrated: str) -> None:
    assert settings.redis_url is not None
    result = run(
        ["migrate", "--check"],
        tmp_path,
        DATABASE_URL=migrated,
        REDIS_URL=settings.redis_url,
    )
    assert result.returncode == 0, result.stderr
    assert "latest migration" in result.stdout


def test_bad_setting_exits_with_message(tmp_path: Path) -> None:
    result = run(["openapi"], tmp_path, PORT="eighty")
    assert result.returncode == 2
    assert "PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_fails(tmp_path: Path) -> None:
    result = run(["no-such-command"], tmp_path)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
