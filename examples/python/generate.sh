#!/usr/bin/env bash
# Generates the Python message and gRPC stubs of the roaming contract (protos/) into examples/python/gen/
# (git-ignored) with Debian's tools: protoc (protobuf-compiler), grpc_python_plugin (protobuf-compiler-grpc)
# and the well-known types in /usr/include (libprotobuf-dev). The generated code runs on python3-protobuf
# and python3-grpcio. Re-run it whenever protos/ changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$here/gen"

missing=()
command -v protoc >/dev/null || missing+=(protobuf-compiler)
command -v grpc_python_plugin >/dev/null || missing+=(protobuf-compiler-grpc)
[ -f /usr/include/google/protobuf/timestamp.proto ] || missing+=(libprotobuf-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "generate.sh: missing tools; install them with: apt-get install -y ${missing[*]}" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out"
cd "$root"
protoc -I protos -I "$here" -I /usr/include \
  --python_out="$out" --grpc_python_out="$out" \
  --plugin=protoc-gen-grpc_python="$(command -v grpc_python_plugin)" \
  protos/roaminggrpc/roaming/v1/*.proto "$here/error_details.proto"
echo "generated $(find "$out" -name '*.py' | wc -l) modules into ${out#"$root"/}"
