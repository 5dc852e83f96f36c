#!/usr/bin/env bash
# The roundtrip test with the passthrough wedge codec: felix-sim -> ingest (--wedge-codec passthrough)
# -> sink -> daqz decode, every wedge bit-identical to what was sent.
CODEC=passthrough COUNT=${COUNT:-60} exec bash "$(dirname "$0")/roundtrip_test.sh" "$@"
