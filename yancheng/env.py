"""Typed readers for the YANCHENG_* environment (12-factor settings, `*_FILE` secrets)."""

import os
import secrets
from pathlib import Path

PREFIX = "YANCHENG_"


def text(name: str, default: str = "") -> str:
    """The value of YANCHENG_<name>, or the content of the file named by YANCHENG_<name>_FILE."""
    file_name = os.environ.get(f"{PREFIX}{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(f"{PREFIX}{name}", default)


def flag(name: str, default: bool = False) -> bool:
    value = text(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{PREFIX}{name} must be true or false, not {value!r}")


def integer(name: str, default: int) -> int:
    value = text(name, "").strip()
    return int(value) if value else default


def items(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in text(name, default).split(",") if part.strip()]


def secret_key(var_dir: Path) -> str:
    """The configured key, or one generated once and kept under var/ (demo and development)."""
    configured = text("SECRET_KEY")
    if configured:
        return configured
    key_file = var_dir / "secret_key"
    if not key_file.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()
