#!/usr/bin/env bash
# Prints a Python >= 3.12 found on this machine (never downloads one).
for candidate in python3.13 python3.12 "$HOME"/.pyenv/versions/3.13*/bin/python3.13 \
                 "$HOME"/.pyenv/versions/3.12*/bin/python3.12 /root/.pyenv/versions/3.13*/bin/python3.13 python3; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
echo "没有找到 Python 3.12 或更新版本，请先安装（例如 apt-get install python3.13 或 pyenv install 3.13）" >&2
exit 1
