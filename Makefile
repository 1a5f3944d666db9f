# 雁城 Yancheng. Two commands: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
export PYTHONDONTWRITEBYTECODE := 1

PORT ?= 8000
HOST ?= 127.0.0.1
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PY := .venv/bin/python
MANAGE := $(PY) manage.py
YANCHENG_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/test
# The suites on SQLite and PostgreSQL run in one process per core (pytest-xdist; each has its own test
# database); the browser tests, which start servers and Chromium, run one at a time.
PYTEST_WORKERS ?= -n auto

.PHONY: help setup assets system-packages demo serve worker test lint test-sqlite test-postgres test-browser clean serve-demo

help:
	@echo "make demo   安装依赖、建库、载入衡阳演示数据并启动平台 (http://$(HOST):$(PORT))"
	@echo "make test   安装依赖并运行全部检查（ruff、迁移检查、SQLite 与 PostgreSQL 测试、浏览器测试）"

$(UV):
	python3 -m pip install --quiet --user "uv==$(UV_VERSION)" || pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --python "$$(scripts/python.sh)"
	touch $@

node_modules/.synced: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: .venv/.synced assets

assets: node_modules/.synced

system-packages:
	scripts/system-packages.sh

# --- the demo -------------------------------------------------------------------------------------
demo: setup
	-@scripts/system-packages.sh media || echo "云监工演示：无法安装 nginx 及其 RTMP 模块，三个实时点位将显示为离线。"
	YANCHENG_REQUIRE_OTP=$${YANCHENG_REQUIRE_OTP:-0} $(MAKE) --no-print-directory serve-demo

# The address the demo is reached at, for its QR codes (yancheng/core/urls.py): certificates are signed
# outside any request (by load_demo, after a filing's commit), so the platform must be told it.
serve-demo: export YANCHENG_SITE_URL ?= http://$(HOST):$(PORT)
serve-demo:
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) createcachetable
	$(MANAGE) collectstatic --no-input -v 0
	$(MANAGE) load_demo
	@echo
	@echo "雁城平台已启动：http://$(HOST):$(PORT)/   接口文档：http://$(HOST):$(PORT)/api/v1/docs"
	@echo "演示环境未强制动态口令（YANCHENG_REQUIRE_OTP=0）：以上账号只需用户名和密码即可登录；"
	@echo "生产环境中市领导和系统管理员首次登录后须绑定身份验证器（页面会引导）。按 Ctrl+C 停止。"
	@$(MANAGE) demo_cameras & cameras=$$!; $(MANAGE) worker & worker=$$!; \
	  trap "kill $$worker $$cameras 2>/dev/null" EXIT INT TERM; \
	  .venv/bin/granian --interface wsgi --host $(HOST) --port $(PORT) --workers 2 --blocking-threads 8 --log-level warning \
	    yancheng.wsgi:application

# --- the checks -----------------------------------------------------------------------------------
# Both test passes include tests/bench/test_smoke.py: bench/checkin.py, bench/ledger.py and
# bench/mortgage.py each run at smoke size (seconds) on SQLite and on PostgreSQL, so none breaks unnoticed.
test: setup system-packages
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres
	@$(MAKE) --no-print-directory test-browser
	@cat var/test-backends.txt

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	@mkdir -p var && : > var/test-backends.txt

test-sqlite:
	.venv/bin/pytest -m "not browser and not postgres" -q $(PYTEST_WORKERS)
	@echo "已运行：SQLite" >> var/test-backends.txt

test-postgres:
	@if $(PY) scripts/postgres-reachable.py "$(YANCHENG_TEST_POSTGRES_URL)"; then \
	  YANCHENG_DATABASE_URL="$(YANCHENG_TEST_POSTGRES_URL)" .venv/bin/pytest -m "not browser" -q $(PYTEST_WORKERS) && \
	  echo "已运行：PostgreSQL" >> var/test-backends.txt; \
	elif [ "$$CI" = "true" ]; then \
	  echo "CI 中 PostgreSQL 不可达 ($(YANCHENG_TEST_POSTGRES_URL))：这是失败，不是跳过" >&2; exit 1; \
	else \
	  echo "未运行：PostgreSQL 不可达 ($(YANCHENG_TEST_POSTGRES_URL))" | tee -a var/test-backends.txt; \
	fi

test-browser:
	.venv/bin/pytest -m browser -q
	@echo "已运行：浏览器测试（Chromium）" >> var/test-backends.txt

clean:
	rm -rf .venv node_modules var/static
