"""Production settings pass Django's deployment checklist with nothing to report."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "YANCHENG_DEBUG": "false",
        "YANCHENG_HTTPS": "true",
        "YANCHENG_SECRET_KEY": "q" * 20 + "-production-only-Xk3$9vL0pZ#r8wT2mN5bY7cF1hJ4",
        "YANCHENG_ALLOWED_HOSTS": "yancheng.hengyang.gov.cn",
        "YANCHENG_SITE_URL": "https://yancheng.hengyang.gov.cn",
        "YANCHENG_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_production_without_its_public_address_is_warned(settings):
    from yancheng.core.checks import public_address_is_set

    settings.SITE_URL = ""
    assert [warning.id for warning in public_address_is_set(None)] == ["yancheng.W001"]
    settings.SITE_URL = "https://yancheng.hengyang.gov.cn"
    assert public_address_is_set(None) == []
