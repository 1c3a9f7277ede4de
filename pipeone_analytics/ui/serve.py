"""`pipeone serve`: Voilà on 127.0.0.1 for notebooks/apps/, code hidden, pointed at the store."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..config import Settings
from ..errors import PipeOneError

APPS_DIR = Path(__file__).resolve().parents[2] / "notebooks" / "apps"


def voila_command(port: int, apps_dir: Path = APPS_DIR) -> list[str]:
    """The Voilà command line that serves the apps folder on loopback with sources stripped."""
    return [sys.executable, "-m", "voila", str(apps_dir), "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", "--strip_sources=True", "--show_tracebacks=False",
            "--VoilaConfiguration.file_allowlist=['.*\\.(png|jpg|gif|svg|css)']"]


def app_environment(settings: Settings) -> dict[str, str]:
    """Environment for the app kernels: absolute store path, timezone and locale."""
    return {**os.environ, "PIPEONE_DB": str(Path(settings.db_path).resolve()),
            "PIPEONE_TIMEZONE": settings.timezone, "PIPEONE_LOCALE": settings.locale}


def serve(settings: Settings, port: int = 8866, open_browser: bool = False) -> int:
    """Run Voilà in the foreground until interrupted; returns its exit code."""
    if not Path(settings.db_path).exists():
        raise PipeOneError(f"no store at {settings.db_path}: run `make demo` or `pipeone import` first")
    apps = sorted(p.stem for p in APPS_DIR.glob("*.ipynb"))
    print(f"Voilà apps on http://127.0.0.1:{port}/ (store {settings.db_path}):")
    for name in apps:
        print(f"  http://127.0.0.1:{port}/voila/render/{name}.ipynb")
    user = os.environ.get("JUPYTERHUB_USER") or os.environ.get("PIPEONE_USER")
    print(f"acting user: {user}" if user else "no PIPEONE_USER set: the apps are read-only")
    return subprocess.call(voila_command(port), env=app_environment(settings))
