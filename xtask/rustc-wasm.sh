#!/bin/sh
# The rustc wrapper of the wasm builds (xtask/src/build.rs): a stable rustc takes `-Z` flags
# only when told to act as its own bootstrap, so the browser-bound crates (those built for
# wasm32) are compiled with RUSTC_BOOTSTRAP=1. Build scripts and proc macros (the host) are
# not, so their build is the same as in every other cargo command.
case " $* " in
*" --target wasm32-unknown-unknown "*) RUSTC_BOOTSTRAP=1 exec "$@" ;;
*) exec "$@" ;;
esac
