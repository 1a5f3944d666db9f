#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing: Chromium (browser tests),
# a CJK font (screenshots and PDFs in Chinese), poppler-utils (pdfsig/pdftotext), ffmpeg (fake camera),
# zbar-tools (reads QR codes back from rendered PDFs), nginx with libnginx-mod-rtmp (the real media server the
# site-camera tests and the demo's cameras stream through).
set -euo pipefail
missing=()
if [ "${1:-}" = "media" ]; then  # make demo: only what the demo's live cameras need
  command -v ffmpeg >/dev/null || missing+=(ffmpeg)
  command -v nginx >/dev/null || missing+=(nginx)
  [ -e /usr/lib/nginx/modules/ngx_rtmp_module.so ] || missing+=(libnginx-mod-rtmp)
else
  command -v chromium >/dev/null || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi "wenquanyi zen hei" || missing+=(fonts-wqy-zenhei)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  command -v ffmpeg >/dev/null || missing+=(ffmpeg)
  command -v zbarimg >/dev/null || missing+=(zbar-tools)
  command -v nginx >/dev/null || missing+=(nginx)
  [ -e /usr/lib/nginx/modules/ngx_rtmp_module.so ] || missing+=(libnginx-mod-rtmp)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "安装系统软件包：${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
