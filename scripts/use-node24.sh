# Source this file (". scripts/use-node24.sh") on a machine whose system Node is older than
# 22.18: it installs Node 24 from the npm registry into .tools/node24 (once) and puts it first
# on PATH for the current shell. On a machine with Node >= 22.18 it changes nothing.
empire_node_ok() {
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)' 2>/dev/null
}
if ! empire_node_ok; then
  empire_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
  empire_tools="$empire_root/.tools/node24"
  if [ ! -x "$empire_tools/node_modules/.bin/node" ]; then
    echo "use-node24: system node is $(node --version 2>/dev/null || echo missing); installing Node 24 into .tools/node24" >&2
    mkdir -p "$empire_tools"
    npm install --prefix "$empire_tools" --no-save --no-audit --no-fund --loglevel=error node@24 >&2
  fi
  PATH="$empire_tools/node_modules/.bin:$PATH"
  export PATH
  hash -r 2>/dev/null
  echo "use-node24: using node $(node --version)" >&2
fi
unset -f empire_node_ok
