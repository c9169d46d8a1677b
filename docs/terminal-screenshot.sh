#!/usr/bin/env bash
# Regenerates docs/terminal.txt and docs/terminal.png: `linkready scan` of the
# sample estate in a real terminal (tmux, 120 columns, colour on), captured
# with tmux capture-pane and drawn by headless Chromium.
# Needs tmux, python3 and chromium; run from the repository root after
# `cargo build --release` (or give another build as LINKREADY_BIN).
set -euo pipefail
cd "$(dirname "$0")/.."
session=linkready-shot
tmux kill-session -t "$session" 2>/dev/null || true
tmux new-session -d -s "$session" -x 120 -y 200
bin="${LINKREADY_BIN:-./target/release/linkready}"
tmux send-keys -t "$session" "clear; $bin scan fixtures/sample-estate" Enter
sleep 2
# The prompt line, then the report's first 24 lines (the summary and legend).
tmux capture-pane -t "$session" -p | sed -n '1,25p' > docs/terminal.txt
tmux capture-pane -t "$session" -p -e | sed -n '1,25p' > "${TMPDIR:-/tmp}/terminal.ansi"
tmux kill-session -t "$session"
page="${TMPDIR:-/tmp}/terminal.html"
python3 - "${TMPDIR:-/tmp}/terminal.ansi" "$page" <<'PY'
import html, re, sys
colors = {"31": "#e5534b", "32": "#57ab5a", "33": "#c69026", "35": "#b083f0", "36": "#39c5cf",
          "91": "#ff7b72", "92": "#7ee787", "93": "#e3b341", "95": "#d2a8ff", "96": "#56d4dd"}
palette = {"9": "91", "10": "92", "11": "93", "13": "95", "14": "96", "1": "31", "2": "32",
           "3": "33", "5": "35", "6": "36"}
out, open_span = [], False
for part in re.split(r"(\x1b\[[0-9;]*m)", open(sys.argv[1], encoding="utf-8").read()):
    m = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
    if not m:
        out.append(html.escape(part))
        continue
    codes = m.group(1).split(";")
    if open_span:
        out.append("</span>")
        open_span = False
    code = None
    if codes[:2] == ["38", "5"] and len(codes) > 2:
        code = palette.get(codes[2])
    elif codes and codes[0] in colors:
        code = codes[0]
    if code in colors:
        out.append(f'<span style="color:{colors[code]}">')
        open_span = True
if open_span:
    out.append("</span>")
body = "".join(out)
open(sys.argv[2], "w", encoding="utf-8").write(
    "<!DOCTYPE html><meta charset=utf-8><body style=\"margin:0;background:#1e1e1e\">"
    "<pre style=\"margin:0;padding:12px;color:#d4d4d4;font:13px/1.0 'DejaVu Sans Mono',monospace\">"
    + body + "</pre>")
PY
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --proxy-server=127.0.0.1:9 --user-data-dir="$profile" --hide-scrollbars \
  --window-size=1000,360 --screenshot="$PWD/docs/terminal.png" "file://$page" 2>/dev/null
rm -rf "$profile"
echo "wrote docs/terminal.txt and docs/terminal.png"
