#!/bin/sh
exec node "$(dirname "$0")/../bin/barberpro.mjs" deploy verify-rollback "$@"
